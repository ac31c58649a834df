"""Write the retrieval-evaluation sets in tests/data: small-store facts and long-answer chats.

    python scripts/make_eval_sets.py             # rewrites tests/data/{facts,chats}_{dev,holdout}.json
    python scripts/make_eval_sets.py --out DIR   # writes the four files to DIR instead
    python scripts/make_eval_sets.py --check     # exits 1 when the files in tests/data are stale

LoCoMo, the set the hybrid-search settings were first tuned on, has hundreds of turns per
user and every turn starts with a speaker's name. These sets add two other shapes, each
with a dev split (to tune on) and a held-out split (to check the tuned settings on data
they never saw):

- facts (``load_facts``): 4-9 short facts per user, named, first person or name-less,
  some beside a near duplicate that is not the answer; questions are paraphrased, so
  they rarely share a content word with the fact that answers them.
- chats (LoCoMo format, ``load_locomo``): user/assistant conversations whose assistant
  turns are long (advice, lists) and whose user turns mention personal facts in passing.

Every fact, question and turn is written out below; the script numbers them, shuffles
users and each user's facts with a fixed seed (so neither user ids nor fact ids give the
kind of user or the answer away), checks the shape, and writes the JSON. No network, no
clock: the same script always writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "tests" / "data"
SEED = 1729
#: Bounds the checks below hold every split to.
FACTS_PER_USER = (4, 9)
SESSIONS_PER_CHAT = (3, 6)
TURNS_PER_SESSION = (6, 14)
FACT_CATEGORIES = (1, 2, 3, 4)
CHAT_CATEGORIES = (1, 2, 4)


@dataclass(frozen=True)
class FactUser:
    """One user of the facts set: display name (None when the store has none), facts by
    script-local label, and questions as (question, evidence label or labels, category)."""

    name: str | None
    facts: dict[str, str]
    questions: list[tuple[str, str | tuple[str, ...], int]]


#: A chat turn: its text, or (label, text) when a question's evidence names it.
Turn = str | tuple[str, str]


@dataclass(frozen=True)
class Chat:
    """One conversation: sessions as (date, turns), turns alternating user then assistant;
    questions as (question, answer, evidence labels, category)."""

    sample_id: str
    sessions: list[tuple[str, list[Turn]]]
    qa: list[tuple[str, str, tuple[str, ...], int]]


# --------------------------------------------------------------------------- facts, dev split
# Each user: (display name or None, {label: fact text}, [(question, evidence label(s), category)]).
# Labels are local to the script; fact ids (u01:f1, ...) are given after the seeded shuffle.

FACTS_DEV: list[FactUser] = [
    # ---- named users: every fact carries the name (category 1, and 4 beside a near duplicate)
    FactUser(
        "Alice Moreno",
        {
            "tea": "Alice drinks green tea every morning before opening her laptop.",
            "peanut": "Alice is allergic to peanuts.",
            "bro_cat": "Alice's brother is allergic to cats.",
            "lyon": "Alice moved from Madrid to Lyon when her husband changed jobs.",
            "choir": "Alice sings alto in a community choir on Thursday evenings.",
            "bike": "Alice rides a blue cargo bike to the office, with a child seat on the back.",
        },
        [
            ("What does Alice usually have first thing in the day?", "tea", 1),
            ("Which food must Alice avoid?", "peanut", 4),
            ("Which animal makes Alice's sibling sneeze?", "bro_cat", 4),
            ("Which French city is Alice based in now?", "lyon", 1),
            ("What does Alice do with her voice once a week?", "choir", 1),
            ("How does Alice get to work?", "bike", 1),
        ],
    ),
    FactUser(
        "Tomasz Nowak",
        {
            "bakery": "Tomasz runs a small bakery on the corner of Elm Street.",
            "wife_shop": "Tomasz's wife runs a flower shop two doors down from the bakery.",
            "early": "Tomasz gets up at three in the morning to shape the sourdough loaves.",
            "kids": "Tomasz has two daughters, Ola and Kasia.",
            "club": "Tomasz supports Lech Poznan and never misses a home match.",
            "japan": "Tomasz is saving up for a trip to Japan next spring.",
        },
        [
            ("What kind of business does Tomasz own?", "bakery", 4),
            ("What does Tomasz's spouse sell for a living?", "wife_shop", 4),
            ("How early does Tomasz's working day begin?", "early", 1),
            ("How many children does Tomasz have?", "kids", 1),
            ("Which football team does Tomasz follow?", "club", 1),
            ("Where does Tomasz want to go on holiday?", "japan", 1),
        ],
    ),
    FactUser(
        "Priya Raman",
        {
            "vegan": "Priya has been vegan for six years.",
            "nurse": "Priya works as a paediatric nurse at St Mary's hospital.",
            "marathon": "Priya ran the Berlin marathon in just under four hours.",
            "sister": "Priya's younger sister studies architecture in Delft.",
            "flat": "Priya shares a flat in Leeds with two friends from university.",
        },
        [
            ("Does Priya eat meat or dairy?", "vegan", 1),
            ("What is Priya's job?", "nurse", 1),
            ("What long-distance race has Priya completed?", "marathon", 1),
            ("What is Priya's sibling training to become?", "sister", 1),
            ("Who does Priya live with?", "flat", 1),
        ],
    ),
    FactUser(
        "Jonas Becker",
        {
            "espresso": "Jonas only drinks espresso, never filter coffee.",
            "decaf": "Jonas switches to decaf coffee after four in the afternoon.",
            "dog": "Jonas has a border collie named Pixel.",
            "neighbour_dog": "Jonas's neighbour has an old dachshund that barks at Pixel.",
            "engineer": "Jonas is a structural engineer who inspects bridges.",
            "climbing": "Jonas goes bouldering at an indoor gym twice a week.",
            "hamburg": "Jonas grew up in Hamburg near the harbour.",
        },
        [
            ("What does Jonas order at a café?", "espresso", 4),
            ("What breed is Jonas's pet?", "dog", 4),
            ("Which animal next door annoys Jonas's collie?", "neighbour_dog", 4),
            ("What does Jonas do for a living?", "engineer", 1),
            ("How does Jonas keep fit?", "climbing", 1),
            ("Where did Jonas spend his childhood?", "hamburg", 1),
        ],
    ),
    FactUser(
        "Mei Lin Chen",
        {
            "piano": "Mei Lin teaches piano to children on weekends.",
            "accountant": "Mei Lin is an accountant at a shipping company.",
            "spicy": "Mei Lin can't handle spicy food.",
            "mother": "Mei Lin's mother lives with her and cooks dinner most nights.",
            "singapore": "Mei Lin was born in Vancouver but has lived in Singapore since 2015.",
        },
        [
            ("What does Mei Lin do on Saturdays and Sundays?", "piano", 1),
            ("What is Mei Lin's profession?", "accountant", 1),
            ("Which dishes should nobody serve Mei Lin?", "spicy", 1),
            ("Who usually prepares the evening meal in Mei Lin's home?", "mother", 1),
            ("Which country does Mei Lin call home these days?", "singapore", 1),
        ],
    ),
    FactUser(
        "Kwame Mensah",
        {
            "chess": "Kwame plays online chess every night and is rated around 1900.",
            "teacher": "Kwame teaches physics at a secondary school in Accra.",
            "twins": "Kwame and his wife are expecting twins in October.",
            "lactose": "Kwame is lactose intolerant.",
            "son_gluten": "Kwame's son is intolerant to gluten.",
            "car": "Kwame drives a silver Toyota Corolla that belonged to his father.",
        },
        [
            ("What game fills Kwame's evenings?", "chess", 1),
            ("Which science does Kwame cover in class?", "teacher", 1),
            ("What big change is coming to Kwame's family in the autumn?", "twins", 1),
            ("Why does Kwame stay away from milk?", "lactose", 4),
            ("What can't Kwame's boy eat?", "son_gluten", 4),
            ("What vehicle does Kwame use?", "car", 1),
        ],
    ),
    FactUser(
        "Sofia Rossi",
        {
            "vespa": "Sofia restores vintage Vespa scooters in her garage.",
            "lawyer": "Sofia is a family lawyer in Turin.",
            "window": "Sofia always books a window seat so she can sleep on flights.",
            "nonna": "Sofia's grandmother taught her to make fresh pasta by hand.",
            "cat": "Sofia has a one-eyed ginger cat called Nino.",
            "cinema": "Sofia goes to the cinema alone every Tuesday because tickets are half price.",
        },
        [
            ("What is Sofia's weekend project?", "vespa", 1),
            ("What area of law does Sofia practise?", "lawyer", 1),
            ("Where does Sofia prefer to sit on a plane?", "window", 1),
            ("Who passed down Sofia's cooking skills?", "nonna", 1),
            ("What does Sofia's pet look like?", "cat", 1),
            ("Why does Sofia watch films midweek?", "cinema", 1),
        ],
    ),
    FactUser(
        "Daniel O'Brien",
        {
            "irish": "Daniel speaks fluent Irish and some Portuguese.",
            "pilot": "Daniel is a commercial pilot who mostly flies to Lisbon and Madrid.",
            "knee": "Daniel had knee surgery last year and no longer runs.",
            "dad_hip": "Daniel's father had hip surgery two years ago.",
            "balcony": "Daniel grows tomatoes and chillies on his balcony.",
            "earplugs": "Daniel sleeps badly in hotels and carries earplugs everywhere.",
        },
        [
            ("Which languages does Daniel know?", "irish", 1),
            ("What is Daniel's occupation?", "pilot", 1),
            ("Why did Daniel give up jogging?", "knee", 4),
            ("Which joint did Daniel's dad have operated on?", "dad_hip", 4),
            ("What does Daniel cultivate outside his flat?", "balcony", 1),
            ("What does Daniel always pack when he travels?", "earplugs", 1),
        ],
    ),
    FactUser(
        "Hana Sato",
        {
            "comic": "Hana draws a weekly web comic about a detective cat.",
            "shellfish": "Hana reacts badly to shellfish.",
            "roommate_dog": "Hana's roommate reacts badly to dog hair.",
            "osaka": "Hana's parents still live in Osaka.",
            "apps": "Hana designs mobile apps for a bank.",
            "owl": "Hana is a night owl and rarely goes to bed before 2 a.m.",
        },
        [
            ("What does Hana publish online?", "comic", 1),
            ("Which seafood is off the menu for Hana?", "shellfish", 4),
            ("What bothers the person Hana lives with?", "roommate_dog", 4),
            ("Where are Hana's mother and father?", "osaka", 1),
            ("What does Hana do in her job?", "apps", 1),
            ("How late does Hana usually stay up?", "owl", 1),
        ],
    ),
    # ---- first person: the user's own words (category 2, and 4 beside a near duplicate)
    FactUser(
        "Marcus Hill",
        {
            "penicillin": "I'm allergic to penicillin.",
            "sister": "My sister lives in Glasgow with her two kids.",
            "porto": "I was raised in a small town near Porto.",
            "translator": "I work from home translating German legal documents.",
            "greyhound": "We adopted a retired greyhound called Rocket.",
            "half": "I'm training for my first half marathon.",
        },
        [
            ("Which antibiotic would give me a reaction?", "penicillin", 2),
            ("Where does my sibling live?", "sister", 2),
            ("Where did I grow up?", "porto", 2),
            ("What do I do for a living?", "translator", 2),
            ("What kind of dog do we have?", "greyhound", 2),
            ("What race am I preparing for?", "half", 2),
        ],
    ),
    FactUser(
        None,
        {
            "black": "I take my coffee black with no sugar.",
            "partner": "My partner takes her coffee with oat milk and two sugars.",
            "diabetes": "I have type 1 diabetes and wear an insulin pump.",
            "bus": "I take the number 12 bus to work.",
            "cello": "I play cello in an amateur orchestra.",
            "toronto": "I moved to Toronto three years ago for grad school.",
        },
        [
            ("How do I like my morning cup?", "black", 4),
            ("What does my girlfriend add to her drink?", "partner", 4),
            ("What medical condition do I manage every day?", "diabetes", 2),
            ("How do I get to the office?", "bus", 2),
            ("Which string instrument is my hobby?", "cello", 2),
            ("Why did the user relocate to Canada?", "toronto", 2),
        ],
    ),
    FactUser(
        None,
        {
            "meat": "I stopped eating meat when I was sixteen.",
            "chef": "My older brother is a chef in Marseille.",
            "kids": "I have three kids, all under ten.",
            "bees": "I keep bees in the back garden.",
            "warehouse": "I work night shifts in a warehouse.",
        },
        [
            ("Is the user a vegetarian?", "meat", 2),
            ("What is my sibling's profession?", "chef", 2),
            ("How many children do I have?", "kids", 2),
            ("What unusual hobby do I have at home?", "bees", 2),
            ("What hours does my job involve?", "warehouse", 2),
        ],
    ),
    FactUser(
        "Grace Whitfield",
        {
            "wedding": "I'm getting married in Tuscany next June.",
            "sister_wedding": "My sister got married in Scotland last summer.",
            "dentist": "I'm a dentist and run my own practice.",
            "horse": "I ride my horse, Juniper, every Sunday morning.",
            "gluten": "I've been gluten free since I was diagnosed with coeliac disease.",
            "audiobooks": "I listen to crime audiobooks on my commute.",
        },
        [
            ("Where will my wedding take place?", "wedding", 4),
            ("Which country did my sibling choose for her ceremony?", "sister_wedding", 4),
            ("What is my job?", "dentist", 2),
            ("What do I do at the start of each weekend?", "horse", 2),
            ("Why can't I eat bread?", "gluten", 2),
            ("What does the user enjoy while travelling to work?", "audiobooks", 2),
        ],
    ),
    FactUser(
        None,
        {
            "spanish": "I'm learning Spanish because my partner's family is from Mexico.",
            "french": "I learned French at school but have forgotten most of it.",
            "nurse_mum": "My mum was a midwife for thirty years.",
            "van": "I'm converting an old Ford Transit into a camper van.",
            "insomnia": "I can't fall asleep without white noise.",
        },
        [
            ("Which language am I studying at the moment, and why?", "spanish", 4),
            ("Which language did I take in my school days?", "french", 4),
            ("What did my mother do for work?", "nurse_mum", 2),
            ("What DIY project am I working on?", "van", 2),
            ("What helps me drift off at night?", "insomnia", 2),
        ],
    ),
    FactUser(
        "Leo Fischer",
        {
            "cat1": "My cat Biscuit is twelve and has kidney problems.",
            "cat2": "My other cat, Mochi, is a kitten I found under a car.",
            "nurse_job": "I'm a software tester for a games studio.",
            "vinyl": "I collect jazz records from the fifties.",
            "parents": "My parents retired to the coast in Cornwall.",
            "lefthanded": "I'm left-handed.",
        },
        [
            ("Which of my pets is elderly and unwell?", "cat1", 4),
            ("Where did I find my youngest pet?", "cat2", 4),
            ("What do I do at work?", "nurse_job", 2),
            ("What music do I collect?", "vinyl", 2),
            ("Where do my mother and father live now?", "parents", 2),
            ("Which hand does the user write with?", "lefthanded", 2),
        ],
    ),
    FactUser(
        None,
        {
            "marathon": "I ran my first marathon in Chicago.",
            "asthma": "I have mild asthma and carry an inhaler.",
            "twin": "I have an identical twin brother called Sam.",
            "bank": "I work in compliance at a bank.",
            "sushi": "I could eat sushi every day.",
        },
        [
            ("In which city did I complete 42 kilometres for the first time?", "marathon", 2),
            ("What breathing problem do I have?", "asthma", 2),
            ("Do I have any siblings?", "twin", 2),
            ("Which industry does the user work in?", "bank", 2),
            ("What is my favourite thing to eat?", "sushi", 2),
        ],
    ),
    FactUser(
        "Nora Lindqvist",
        {
            "stockholm": "I live in Stockholm but work remotely for a London firm.",
            "sauna": "I go to the sauna every evening, even in summer.",
            "daughter": "My daughter just started university in Uppsala.",
            "son": "My son just started high school and plays ice hockey.",
            "knitting": "I knit all my family's winter jumpers.",
            "no_car": "I don't have a driving licence.",
        },
        [
            ("Which city am I based in?", "stockholm", 2),
            ("What do I do to relax after dinner?", "sauna", 2),
            ("Where is my eldest child studying?", "daughter", 4),
            ("What sport does my boy play?", "son", 4),
            ("What do I make for my relatives every winter?", "knitting", 2),
            ("Can I drive?", "no_car", 2),
        ],
    ),
    FactUser(
        None,
        {
            "night": "I'm a light sleeper, so I need a room away from the lift.",
            "vegetarian": "I'm pescatarian: fish is fine, meat is not.",
            "architect": "I'm an architect working on hospitals.",
            "ukulele": "I taught myself ukulele during lockdown.",
            "grandma": "My grandmother turns a hundred in May.",
        },
        [
            ("What should a hotel keep in mind when giving me a room?", "night", 2),
            ("What can I eat at a dinner party?", "vegetarian", 2),
            ("What kind of buildings does the user design?", "architect", 2),
            ("Which instrument did I pick up by myself?", "ukulele", 2),
            ("Which relative of mine has a big birthday coming up?", "grandma", 2),
        ],
    ),
    # ---- name-less notes (category 3, and 4 beside a near duplicate)
    FactUser(
        None,
        {
            "aisle": "Prefers aisle seats on long flights.",
            "aisle_train": "Prefers window seats on trains.",
            "shifts": "Works night shifts at a hospital.",
            "oat": "Drinks oat milk; dairy upsets the stomach.",
            "daughter": "Has a daughter who plays the violin.",
            "sundays": "Calls parents every Sunday evening.",
        },
        [
            ("Where should this traveller sit on an overnight plane?", "aisle", 4),
            ("Which seat is best on a rail journey?", "aisle_train", 4),
            ("When does this person work?", "shifts", 3),
            ("What goes in the coffee instead of regular milk?", "oat", 3),
            ("Which instrument does the child play?", "daughter", 3),
            ("How often is there a phone call home?", "sundays", 3),
        ],
    ),
    FactUser(
        None,
        {
            "budget": "Monthly grocery budget is 400 euros.",
            "budget_rent": "Monthly rent is 1,100 euros, paid on the first.",
            "keto": "Follows a low-carb diet on weekdays.",
            "dog_walker": "Dog walker comes at noon on Tuesdays and Fridays.",
            "mechanic": "Trained as a car mechanic before switching to IT.",
            "rome": "Planning a trip to Rome for a 40th birthday.",
        },
        [
            ("How much is set aside for food shopping?", "budget", 4),
            ("What does the flat cost each month?", "budget_rent", 4),
            ("What eating plan is followed from Monday to Friday?", "keto", 3),
            ("When is the pet taken out by someone else?", "dog_walker", 3),
            ("What was the earlier career?", "mechanic", 3),
            ("Which Italian city is on the travel list?", "rome", 3),
        ],
    ),
    FactUser(
        None,
        {
            "wfh": "Works from home on Mondays and Fridays.",
            "peanut": "Severe tree-nut allergy; carries an EpiPen.",
            "peanut_kid": "Youngest child has a mild egg allergy.",
            "piano": "Took piano lessons for ten years as a child.",
            "tall": "Is 1.95 m tall and needs extra legroom.",
        },
        [
            ("Which days are spent in the home office?", "wfh", 3),
            ("What emergency medication is always nearby, and why?", "peanut", 4),
            ("What must the smallest kid avoid at breakfast?", "peanut_kid", 4),
            ("Which instrument was studied in childhood?", "piano", 3),
            ("Why might a cramped seat be a problem?", "tall", 3),
        ],
    ),
    FactUser(
        None,
        {
            "vet": "Works as a large-animal vet on farms.",
            "jeep": "Drives an old Land Rover Defender.",
            "kids": "Two teenage sons, both keen on rugby.",
            "tea": "Drinks builder's tea with lots of milk.",
            "quiet": "Dislikes loud restaurants.",
            "birthday": "Birthday is on 29 February.",
        },
        [
            ("What sort of patients does this person look after?", "vet", 3),
            ("What vehicle is used on the farm visits?", "jeep", 3),
            ("Which sport do the boys love?", "kids", 3),
            ("How is the morning cuppa taken?", "tea", 3),
            ("What sort of place would be a bad choice for dinner?", "quiet", 3),
            ("Why is celebrating only possible in leap years?", "birthday", 3),
        ],
    ),
    FactUser(
        None,
        {
            "flat": "Rents a one-bedroom flat above a launderette.",
            "cat": "Has a deaf white cat named Ghost.",
            "cat_sister": "Sister has a white rabbit named Snow.",
            "barista": "Part-time barista while finishing a history degree.",
            "thesis": "Dissertation is on medieval trade routes.",
        },
        [
            ("What is below the apartment?", "flat", 3),
            ("Which pet cannot hear?", "cat", 4),
            ("What animal does the sibling keep?", "cat_sister", 4),
            ("What is the side job during studies?", "barista", 3),
            ("What topic is the final paper about?", "thesis", 3),
        ],
    ),
    FactUser(
        None,
        {
            "swim": "Swims 2 km at the lido before work.",
            "swim_kids": "Takes the kids to swimming lessons on Saturdays.",
            "eyes": "Wears contact lenses and keeps glasses for evenings.",
            "bank": "Banks with a small credit union.",
            "spanish": "Speaks Catalan at home and English at work.",
            "plants": "Has more than forty houseplants.",
        },
        [
            ("What exercise happens at dawn?", "swim", 4),
            ("What do the children do at the weekend?", "swim_kids", 4),
            ("What helps with eyesight during the day?", "eyes", 3),
            ("Where is the money kept?", "bank", 3),
            ("Which language is used with the family?", "spanish", 3),
            ("How many potted greens are in the home?", "plants", 3),
        ],
    ),
    FactUser(
        None,
        {
            "shellfish": "Avoid shellfish at group dinners.",
            "notif": "Wants reminders by text message, not email.",
            "meeting": "No meetings before 10 a.m. because of the school run.",
            "manager": "Manages a team of eight data analysts.",
            "sabbatical": "Taking a three-month sabbatical to walk the Camino.",
        },
        [
            ("What should be left off the menu at team meals?", "shellfish", 3),
            ("How should reminders be sent?", "notif", 3),
            ("Why are early calls a bad idea?", "meeting", 3),
            ("How big is the team being led?", "manager", 3),
            ("What long walk is planned during the career break?", "sabbatical", 3),
        ],
    ),
    # ---- mixed users: named, first-person and name-less facts side by side
    FactUser(
        "Ben Carter",
        {
            "named_job": "Ben is a firefighter in Bristol.",
            "first_dog": "I've got a springer spaniel called Maple.",
            "note_run": "Runs 5 km every morning with the dog.",
            "named_wife": "Ben's wife is a primary school head teacher.",
            "first_allergy": "I'm allergic to wasp stings.",
            "first_allergy_bee": "My son is allergic to bee stings.",
        },
        [
            ("What does Ben do for work?", "named_job", 1),
            ("What is my dog's name?", "first_dog", 2),
            ("What is the daily exercise routine?", "note_run", 3),
            ("What is the job of Ben's spouse?", "named_wife", 1),
            ("Which insect could send me to hospital?", "first_allergy", 4),
            ("Which insect is dangerous for my child?", "first_allergy_bee", 4),
        ],
    ),
    FactUser(
        "Aisha Bello",
        {
            "named_doctor": "Aisha is training to be a cardiologist.",
            "named_brother": "Aisha's brother is training to be a pilot.",
            "first_lagos": "I grew up in Lagos and moved to Manchester at twelve.",
            "note_sleep": "Sleeps with the window open, even in winter.",
            "first_runner": "I play netball on Wednesday nights.",
            "note_food": "Loves jollof rice; hates olives.",
        },
        [
            ("Which medical specialty is Aisha heading towards?", "named_doctor", 4),
            ("What career is Aisha's sibling working towards?", "named_brother", 4),
            ("Where was I brought up?", "first_lagos", 2),
            ("How is the bedroom kept at night?", "note_sleep", 3),
            ("Which team sport do I play midweek?", "first_runner", 2),
            ("Which food is disliked?", "note_food", 3),
        ],
    ),
    FactUser(
        None,
        {
            "first_pet1": "My parrot Kiwi is ten years old and says about twenty words.",
            "first_pet2": "My tortoise Shelby is sixty years old, older than I am.",
            "note_job": "Librarian at a university library.",
            "first_moving": "I'm moving to Wellington in August.",
            "note_diet": "Doesn't drink alcohol.",
        },
        [
            ("Which of my pets can talk?", "first_pet1", 4),
            ("Which of my animals has lived the longest?", "first_pet2", 4),
            ("Where does this person work?", "note_job", 3),
            ("Which city is the user relocating to?", "first_moving", 2),
            ("What should be offered instead of wine at dinner?", "note_diet", 3),
        ],
    ),
    FactUser(
        "Omar Farouk",
        {
            "named_taxi": "Omar drives a taxi at night and studies law by day.",
            "named_kids": "Omar has a four-year-old son and a baby girl.",
            "first_halal": "I only eat halal meat.",
            "first_football": "I coach my son's under-5 football team.",
            "note_phone": "Prefers phone calls to voice messages.",
            "first_cairo": "My whole family is still in Cairo.",
        },
        [
            ("What does Omar do to earn money?", "named_taxi", 1),
            ("How old are Omar's children?", "named_kids", 1),
            ("What dietary rule do I follow?", "first_halal", 2),
            ("What do I do with my little one's sports group?", "first_football", 2),
            ("How does this person like to be contacted?", "note_phone", 3),
            ("Where do my relatives live?", "first_cairo", 2),
            ("What does Omar do during the daytime, and who does he look after at home?", ("named_taxi", "named_kids"), 1),
        ],
    ),
    FactUser(
        "Clara Dubois",
        {
            "named_pastry": "Clara is a pastry chef at a hotel in Geneva.",
            "first_sugar": "I never eat dessert myself, funnily enough.",
            "note_ski": "Skis every weekend from December to March.",
            "note_ski_kid": "Kid takes snowboard lessons every weekend in winter.",
            "first_geneva": "I commute from France across the border every day.",
        },
        [
            ("What does Clara make at work?", "named_pastry", 1),
            ("Do I like sweets?", "first_sugar", 2),
            ("Which snow sport does the parent do?", "note_ski", 4),
            ("What is the child learning on the slopes?", "note_ski_kid", 4),
            ("Which country do I live in?", "first_geneva", 2),
        ],
    ),
    FactUser(
        None,
        {
            "first_mum": "My mum lives in Dublin and my dad in Galway.",
            "first_brother": "My brother lives in Cork with his girlfriend.",
            "note_work": "Nurse on a cancer ward.",
            "first_garden": "I grow all our salad in raised beds.",
            "note_hate": "Hates surprises, especially parties.",
            "first_phone": "I broke my phone screen twice this year.",
        },
        [
            ("Where are my parents?", "first_mum", 4),
            ("Which city is my sibling in?", "first_brother", 4),
            ("What kind of ward does this person work on?", "note_work", 3),
            ("Where do my lettuces come from?", "first_garden", 2),
            ("What kind of celebration should never be planned for this person?", "note_hate", 3),
            ("What keeps happening to the user's mobile?", "first_phone", 2),
        ],
    ),
    FactUser(
        "Ethan Brooks",
        {
            "named_drums": "Ethan works weekends as the drummer in a wedding band.",
            "named_drums_job": "Ethan works weekdays in an insurance claims office.",
            "first_knee": "I tore a ligament in my ankle playing five-a-side.",
            "note_coffee": "No caffeine after lunch.",
            "first_wife": "My wife and I are adopting a child.",
        },
        [
            ("What instrument does Ethan play on Saturdays and Sundays?", "named_drums", 4),
            ("What does Ethan do from nine to five?", "named_drums_job", 4),
            ("How did I get injured?", "first_knee", 2),
            ("What rule applies to afternoon drinks?", "note_coffee", 3),
            ("How is my family about to grow?", "first_wife", 2),
            ("What are Ethan's two jobs?", ("named_drums", "named_drums_job"), 1),
        ],
    ),
]


# --------------------------------------------------------------------------- facts, held-out split
# Written apart from the dev split (other people, other topics), so that settings tuned on
# the dev split can be checked on facts they were never tuned on.

FACTS_HOLDOUT: list[FactUser] = [
    # ---- named users
    FactUser(
        "Fatima Haddad",
        {
            "fiat": "Fatima drives a red Fiat 500 with a dented bumper.",
            "husband_car": "Fatima's husband drives a black Audi estate.",
            "pharmacist": "Fatima is a pharmacist at a late-night chemist.",
            "beirut": "Fatima's family runs a spice shop in Beirut.",
            "pottery": "Fatima takes a pottery class on Monday evenings.",
            "sons": "Fatima has three sons who all play the trumpet.",
        },
        [
            ("What is Fatima's own vehicle?", "fiat", 4),
            ("What does Fatima's spouse get around in?", "husband_car", 4),
            ("Where does Fatima work?", "pharmacist", 1),
            ("What do Fatima's relatives sell back home?", "beirut", 1),
            ("What does Fatima make with clay?", "pottery", 1),
            ("Which instrument do Fatima's boys share an interest in?", "sons", 1),
        ],
    ),
    FactUser(
        "Ingrid Solberg",
        {
            "glacier": "Ingrid works as a glacier guide in western Norway every summer.",
            "winter_job": "Ingrid works as a ski instructor in the winter months.",
            "fear": "Ingrid is terrified of spiders.",
            "reading": "Ingrid reads a Russian novel every January.",
            "cabin": "Ingrid inherited a cabin on a fjord from her grandfather.",
        },
        [
            ("What does Ingrid do in the warm season?", "glacier", 4),
            ("How does Ingrid earn money when it snows?", "winter_job", 4),
            ("Which creature scares Ingrid the most?", "fear", 1),
            ("How does Ingrid start every new year?", "reading", 1),
            ("What property does Ingrid own by the water?", "cabin", 1),
        ],
    ),
    FactUser(
        "Rafael Ortega",
        {
            "bank": "Rafael keeps his savings in a Spanish online bank.",
            "debt": "Rafael is paying off a student loan of 18,000 euros.",
            "guitar": "Rafael builds flamenco guitars in a workshop behind his house.",
            "colour": "Rafael is red-green colour blind.",
            "twins": "Rafael's twin nieces live with him during school holidays.",
            "siesta": "Rafael never skips his afternoon nap.",
        },
        [
            ("Where does Rafael put his money?", "bank", 1),
            ("How much does Rafael still owe for his studies?", "debt", 1),
            ("What does Rafael craft by hand?", "guitar", 1),
            ("Which problem does Rafael have with his eyesight?", "colour", 1),
            ("Who stays with Rafael when there are no classes?", "twins", 1),
            ("What does Rafael do after lunch every day?", "siesta", 1),
        ],
    ),
    FactUser(
        "Amara Okafor",
        {
            "phd": "Amara is writing a PhD thesis on malaria vaccines.",
            "phd_husband": "Amara's husband finished a PhD in economics last year.",
            "choir": "Amara leads the youth group at her church.",
            "braids": "Amara spends every other Saturday at the hair salon.",
            "abuja": "Amara flies back to Abuja every Christmas.",
            "diabetic_dad": "Amara's father needs insulin injections twice a day.",
        },
        [
            ("What is Amara's doctoral research about?", "phd", 4),
            ("Which subject did Amara's spouse get his doctorate in?", "phd_husband", 4),
            ("What volunteer role does Amara have?", "choir", 1),
            ("Where does Amara go twice a month?", "braids", 1),
            ("Where does Amara spend the December holidays?", "abuja", 1),
            ("What treatment does Amara's dad rely on?", "diabetic_dad", 1),
        ],
    ),
    FactUser(
        "Yusuf Demir",
        {
            "kebab": "Yusuf owns two kebab restaurants in Rotterdam.",
            "kebab_third": "Yusuf wants to open a third restaurant in Utrecht.",
            "pigeons": "Yusuf races homing pigeons with his uncle.",
            "glasses": "Yusuf needs reading glasses but refuses to wear them.",
            "istanbul": "Yusuf was born in Istanbul and came to the Netherlands at nine.",
            "marathon_tv": "Yusuf watches every Galatasaray match on TV.",
        },
        [
            ("How many eateries does Yusuf run today?", "kebab", 4),
            ("Where is Yusuf hoping to expand his business?", "kebab_third", 4),
            ("What unusual sport does Yusuf do with a relative?", "pigeons", 1),
            ("Why does Yusuf struggle to read menus?", "glasses", 1),
            ("How old was Yusuf when his family emigrated?", "istanbul", 1),
            ("Which club does Yusuf cheer for?", "marathon_tv", 1),
        ],
    ),
    FactUser(
        "Chloe Martin",
        {
            "actuary": "Chloe is an actuary at an insurance firm in Lille.",
            "improv": "Chloe performs improv comedy on Friday nights.",
            "braces": "Chloe got braces at thirty-two.",
            "plants": "Chloe kills every houseplant she buys.",
            "moped": "Chloe rides an electric moped to avoid the metro.",
        },
        [
            ("What is Chloe's line of work?", "actuary", 1),
            ("What does Chloe do on stage?", "improv", 1),
            ("What dental treatment did Chloe start as an adult?", "braces", 1),
            ("How does Chloe do at keeping greenery alive?", "plants", 1),
            ("Why does Chloe not take the underground?", "moped", 1),
        ],
    ),
    FactUser(
        "Arjun Mehta",
        {
            "cricket": "Arjun captains a Sunday cricket team in Leicester.",
            "cricket_son": "Arjun's son plays cricket for the county under-13 side.",
            "dentist": "Arjun wears hearing aids in both ears.",
            "startup": "Arjun quit his consulting job to start a solar panel company.",
            "wife_doctor": "Arjun's wife is a GP in the same town.",
            "cooking": "Arjun cooks biryani for forty people every Diwali.",
        },
        [
            ("What role does Arjun have in his weekend team?", "cricket", 4),
            ("Which level does Arjun's boy compete at?", "cricket_son", 4),
            ("What device helps Arjun follow conversations?", "dentist", 1),
            ("What kind of business has Arjun founded?", "startup", 1),
            ("What is the profession of Arjun's spouse?", "wife_doctor", 1),
            ("What does Arjun prepare for the festival of lights?", "cooking", 1),
        ],
    ),
    FactUser(
        "Elena Petrova",
        {
            "violin": "Elena is first violin in the city orchestra.",
            "hands": "Elena insures her hands for a large sum.",
            "dacha": "Elena spends August at her family's dacha outside Sofia.",
            "vegetables": "Elena pickles cucumbers and cabbage every autumn.",
            "son_abroad": "Elena's son is studying medicine in Vienna.",
            "daughter_abroad": "Elena's daughter is studying law in Prague.",
        },
        [
            ("What is Elena's seat in the orchestra?", "violin", 1),
            ("What part of her body has Elena protected financially?", "hands", 1),
            ("Where does Elena go in late summer?", "dacha", 1),
            ("What does Elena preserve in jars?", "vegetables", 1),
            ("In which city is Elena's boy training to be a doctor?", "son_abroad", 4),
            ("What is Elena's girl preparing for at university?", "daughter_abroad", 4),
        ],
    ),
    FactUser(
        "Oliver Grant",
        {
            "boat": "Oliver lives on a narrowboat on the Oxford canal.",
            "boat_sell": "Oliver's brother sold his narrowboat and bought a flat.",
            "beard": "Oliver has a long red beard he refuses to trim.",
            "carpenter": "Oliver works as a furniture maker.",
            "crosswords": "Oliver finishes the cryptic crossword every morning.",
            "sister_twin": "Oliver has a twin sister who lives in Canada.",
        },
        [
            ("What kind of home does Oliver have?", "boat", 4),
            ("What did Oliver's sibling swap his floating home for?", "boat_sell", 4),
            ("What is distinctive about Oliver's face?", "beard", 1),
            ("What does Oliver do for a living?", "carpenter", 1),
            ("Which puzzle does Oliver solve daily?", "crosswords", 1),
            ("Where is Oliver's twin?", "sister_twin", 1),
        ],
    ),
    # ---- first person
    FactUser(
        "Hugo Lambert",
        {
            "migraine": "I get migraines when I skip meals.",
            "glasses": "I've worn glasses since I was seven.",
            "saving": "I'm saving for a deposit on a flat.",
            "sis_wedding": "I'm best man at my cousin's wedding in May.",
            "telescope": "I have a telescope on my roof terrace.",
            "climbing": "I'm scared of heights, so no climbing for me.",
        },
        [
            ("What triggers my bad headaches?", "migraine", 2),
            ("How long have I needed vision correction?", "glasses", 2),
            ("What am I putting money aside for?", "saving", 2),
            ("What role do I have at the upcoming family celebration?", "sis_wedding", 2),
            ("What do I use to look at the stars?", "telescope", 2),
            ("Why would I turn down a rock-climbing trip?", "climbing", 2),
        ],
    ),
    FactUser(
        None,
        {
            "phone": "My own phone is an old iPhone SE, because I hate big screens.",
            "laptop": "My work phone is a Samsung I'm not allowed to install apps on.",
            "podcast": "I host a podcast about urban planning.",
            "stammer": "I have a stammer, so I prefer writing to calls.",
            "bread": "I bake rye bread every Saturday.",
        },
        [
            ("Which handset did I choose myself, and why?", "phone", 4),
            ("What restriction is on the device my employer gave me?", "laptop", 4),
            ("What show do I make?", "podcast", 2),
            ("Why do I choose messages over phoning?", "stammer", 2),
            ("What do I make every weekend in the kitchen?", "bread", 2),
        ],
    ),
    FactUser(
        "Zoe Adams",
        {
            "teacher": "I teach Year 3 at a primary school in Brighton.",
            "sister_teacher": "My sister teaches maths at a secondary school.",
            "vinyl": "I volunteer at an animal shelter on Sunday afternoons.",
            "scooter": "I sold my car and use an e-scooter now.",
            "vegan_cake": "I'm known for my lemon drizzle cake.",
            "hay": "I get hay fever every June.",
        },
        [
            ("Which age group do I work with?", "teacher", 4),
            ("What subject does my sibling cover?", "sister_teacher", 4),
            ("Where do I help out for free?", "vinyl", 2),
            ("How do I get around town?", "scooter", 2),
            ("What is my signature bake?", "vegan_cake", 2),
            ("When do the user's seasonal sniffles start?", "hay", 2),
        ],
    ),
    FactUser(
        None,
        {
            "degree": "I'm doing a part-time master's degree in data science.",
            "degree_old": "My first degree was in philosophy.",
            "shift": "I start work at 6 a.m. at the post office sorting centre.",
            "tattoo": "I have a tattoo of a whale on my shoulder.",
            "aunt": "My aunt raised me after my parents died.",
        },
        [
            ("What postgraduate course am I taking alongside work?", "degree", 4),
            ("What did I graduate in originally?", "degree_old", 4),
            ("What time do I clock on, and where?", "shift", 2),
            ("What design do I have inked on my skin?", "tattoo", 2),
            ("Who brought up the user?", "aunt", 2),
        ],
    ),
    FactUser(
        "Kenji Watanabe",
        {
            "bonsai": "I've kept the same bonsai alive for twenty years.",
            "judo": "I hold a black belt in judo.",
            "retire": "I retired from the railway last year.",
            "grandson": "My grandson visits every Wednesday after school.",
            "granddaughter": "My granddaughter visits once a year from Seattle.",
            "sake": "I brew my own sake in the shed.",
        },
        [
            ("What miniature tree have I looked after for decades?", "bonsai", 2),
            ("Which martial art am I highly ranked in?", "judo", 2),
            ("Where did I work before I stopped?", "retire", 2),
            ("Which grandchild comes round midweek?", "grandson", 4),
            ("Which grandchild lives in America?", "granddaughter", 4),
            ("What drink do I make at home?", "sake", 2),
        ],
    ),
    FactUser(
        None,
        {
            "wheelchair": "I use a wheelchair, so venues need step-free access.",
            "paralympic": "I play wheelchair basketball for a regional club.",
            "coder": "I'm a backend developer at a ticketing startup.",
            "garden": "I've got an allotment where I grow pumpkins.",
            "gran": "My gran taught me to play poker.",
        },
        [
            ("What do I need from a restaurant before I can go there?", "wheelchair", 4),
            ("What sport do I compete in?", "paralympic", 4),
            ("What kind of software do I write?", "coder", 2),
            ("What do I grow on my plot?", "garden", 2),
            ("Who introduced the user to card games?", "gran", 2),
        ],
    ),
    FactUser(
        "Lucia Ferreira",
        {
            "nurse": "I'm a midwife on a labour ward in Coimbra.",
            "shifts": "I do twelve-hour shifts, three days a week.",
            "husband": "My husband is a fisherman and is away for weeks at a time.",
            "fado": "I sing fado in a bar on my nights off.",
            "kids": "Our son is five and our daughter is two.",
        },
        [
            ("What is my role at the hospital?", "nurse", 2),
            ("How is my working week arranged?", "shifts", 2),
            ("Why is my partner often not home?", "husband", 2),
            ("What traditional music do I perform?", "fado", 2),
            ("How old are my children?", "kids", 2),
            ("What do I do professionally and musically?", ("nurse", "fado"), 2),
        ],
    ),
    FactUser(
        None,
        {
            "gym": "I go to the gym at 6 a.m. to lift weights.",
            "gym_friday": "I go to the gym on Friday evenings for a yoga class.",
            "accountant": "I'm a tax adviser for small businesses.",
            "boyfriend": "My boyfriend and I are moving in together in the spring.",
            "cat": "I'm more of a dog person but my flatmate has three cats.",
        },
        [
            ("What strength training do I do, and when?", "gym", 4),
            ("How do I unwind at the end of the working week?", "gym_friday", 4),
            ("Who are my clients?", "accountant", 2),
            ("What big step are my partner and I taking?", "boyfriend", 2),
            ("Whose animals live in the user's home?", "cat", 2),
        ],
    ),
    FactUser(
        None,
        {
            "insomnia": "I've been sleepwalking since I was a kid.",
            "chess": "I'm learning to play the bagpipes.",
            "job": "I manage a climbing gym.",
            "brother": "My brother cooks on a cruise ship.",
            "mother": "My mother cooks the breakfasts at her B&B in Wales.",
        },
        [
            ("What strange thing do I do at night?", "insomnia", 2),
            ("Which loud instrument am I trying to master?", "chess", 2),
            ("What kind of business do I run?", "job", 2),
            ("Where does my sibling work?", "brother", 4),
            ("What does my mum do, and where?", "mother", 4),
            ("Which two of my relatives work in hospitality?", ("brother", "mother"), 2),
        ],
    ),
    # ---- name-less notes
    FactUser(
        None,
        {
            "size": "Shoe size 44; wide fit only.",
            "size_shirt": "Shirt size large, collar 16 inches.",
            "gift": "Likes fountain pens as presents.",
            "colour": "Favourite colour is mustard yellow.",
            "hate_gift": "Dislikes scented candles.",
            "party": "Prefers small dinners over big parties.",
        },
        [
            ("What footwear fits this person?", "size", 4),
            ("Which top should be bought for them?", "size_shirt", 4),
            ("What would make a good birthday gift?", "gift", 3),
            ("Which hue do they love most?", "colour", 3),
            ("Which present should be avoided?", "hate_gift", 3),
            ("What kind of get-together suits them?", "party", 3),
        ],
    ),
    FactUser(
        None,
        {
            "passport": "Passport expires in March next year.",
            "licence": "Driving licence expires in June.",
            "insurance": "Home insurance is with a mutual society, renewed every October.",
            "doctor": "Sees a physiotherapist monthly for a bad back.",
            "kids_school": "Twins start secondary school in September.",
        },
        [
            ("When does the travel document run out?", "passport", 4),
            ("What paperwork for the car has a deadline?", "licence", 4),
            ("When is the house cover due for renewal?", "insurance", 3),
            ("What regular treatment helps with spinal pain?", "doctor", 3),
            ("What change is coming for the two children?", "kids_school", 3),
        ],
    ),
    FactUser(
        None,
        {
            "vinyl": "Collects vintage film posters.",
            "horror": "Won't watch horror films.",
            "horror_kids": "Kids may only watch cartoons on weekdays.",
            "theatre": "Has season tickets for the opera.",
            "quiz": "Runs the pub quiz at the Red Lion every Thursday.",
        },
        [
            ("Which movie genre is off limits?", "horror", 4),
            ("What screen time rule applies to the children?", "horror_kids", 4),
            ("What memorabilia is collected?", "vinyl", 3),
            ("Which performances is there a subscription for?", "theatre", 3),
            ("What weekly event is hosted at the local?", "quiz", 3),
        ],
    ),
    FactUser(
        None,
        {
            "stammer": "Works as a sign language interpreter.",
            "hearing": "Partner is deaf; the household signs at home.",
            "bike": "Cycles 30 km to the office on dry days.",
            "bike_rain": "Takes the tram to the office on rainy days.",
            "tea": "Keeps slippers and a blanket under the desk.",
            "kids": "Expecting a first baby in November.",
        },
        [
            ("What is the job?", "stammer", 4),
            ("How does the family communicate at home?", "hearing", 4),
            ("How is the commute done when the weather is good?", "bike", 4),
            ("What transport is used in wet weather?", "bike_rain", 4),
            ("What comfort items are kept at work?", "tea", 3),
            ("When is the new arrival due?", "kids", 3),
        ],
    ),
    FactUser(
        None,
        {
            "garden": "Grows dahlias for the village flower show.",
            "mower": "Hires a gardener to cut the lawn.",
            "hip": "Recovering from a hip replacement.",
            "husband": "Widowed; late husband was a sea captain.",
            "grandkids": "Five grandchildren, the eldest at university.",
        },
        [
            ("Which flowers are grown for competition?", "garden", 3),
            ("Who looks after the grass?", "mower", 3),
            ("What operation is being recovered from?", "hip", 3),
            ("What did the late spouse do?", "husband", 3),
            ("How many grandkids are there?", "grandkids", 3),
        ],
    ),
    FactUser(
        None,
        {
            "nightshift": "Security guard at a museum, mostly nights.",
            "painting": "Paints watercolours of birds in spare time.",
            "bird": "Keeps two budgies, small pet birds called Pip and Squeak.",
            "loan": "Paying off a loan for a used van.",
            "cousin": "Lives with a cousin to share the rent.",
        },
        [
            ("Where is the job, and what is it?", "nightshift", 3),
            ("What is the artistic hobby?", "painting", 4),
            ("What pets live at home?", "bird", 4),
            ("What debt is being repaid?", "loan", 3),
            ("Who is the housemate?", "cousin", 3),
        ],
    ),
    FactUser(
        None,
        {
            "meds": "Takes blood-pressure tablets every morning.",
            "meds_mum": "Mother takes blood thinners after a stroke.",
            "walk": "Walks the dog along the river at lunchtime.",
            "choir": "Learning to sail at the local reservoir.",
            "job": "Runs payroll for a chain of garages.",
        },
        [
            ("What medication is taken at breakfast, and for what?", "meds", 4),
            ("Why does the mum need anticoagulants?", "meds_mum", 4),
            ("What happens in the middle of the day?", "walk", 3),
            ("Which water sport is being learned?", "choir", 3),
            ("What does the job involve?", "job", 3),
        ],
    ),
    # ---- mixed users
    FactUser(
        "Nadia Karimi",
        {
            "named_journalist": "Nadia is a radio journalist covering science.",
            "first_persian": "I speak Farsi with my grandparents.",
            "note_tea": "Gave up smoking and chews nicotine gum instead.",
            "first_flat": "I just bought my first flat, in Leipzig.",
            "first_flat_old": "I used to rent a tiny flat in Berlin.",
        },
        [
            ("What does Nadia report on?", "named_journalist", 1),
            ("Which language do I use with my grandparents?", "first_persian", 2),
            ("What has replaced cigarettes?", "note_tea", 3),
            ("Where is the home I own?", "first_flat", 4),
            ("Where did I live as a tenant before?", "first_flat_old", 4),
        ],
    ),
    FactUser(
        "Samuel Osei",
        {
            "named_referee": "Samuel referees amateur football matches on Saturdays.",
            "named_referee_son": "Samuel's son plays football in goal for the school team.",
            "first_job": "I repair lifts for a living.",
            "note_diet": "Eats no pork.",
            "first_church": "I play keyboard in my church band.",
            "first_wife": "My wife is from Kumasi and I'm from Cape Coast.",
        },
        [
            ("What role does Samuel take on the pitch at weekends?", "named_referee", 4),
            ("Which position does Samuel's boy play?", "named_referee_son", 4),
            ("What do I fix at work?", "first_job", 2),
            ("Which meat should not be served?", "note_diet", 3),
            ("What instrument do I play on Sundays?", "first_church", 2),
            ("Where does my spouse come from?", "first_wife", 2),
        ],
    ),
    FactUser(
        None,
        {
            "first_car": "My car is an old Volvo that I can't bear to sell.",
            "first_car_new": "I'm thinking about buying an electric car next year.",
            "note_job": "Works as a locksmith, often on call at night.",
            "first_dog": "My rescue dog, Pepper, is scared of thunder.",
            "note_hobby": "Does jigsaw puzzles of 2,000 pieces.",
        },
        [
            ("What do I drive now?", "first_car", 4),
            ("What kind of vehicle am I considering?", "first_car_new", 4),
            ("What trade does this person work in?", "note_job", 3),
            ("What frightens my pet?", "first_dog", 2),
            ("What big puzzles does this person enjoy?", "note_hobby", 3),
        ],
    ),
    FactUser(
        "Freya Hansen",
        {
            "named_vet": "Freya works at a zoo looking after the penguins.",
            "first_diver": "I'm a qualified scuba diver.",
            "first_diver_trip": "I'm going on a scuba trip to Egypt in the autumn.",
            "note_food": "Doesn't eat fish.",
            "named_sister": "Freya's sister is a dairy farmer in Jutland.",
        },
        [
            ("Which animals does Freya care for?", "named_vet", 1),
            ("What underwater qualification do I hold?", "first_diver", 4),
            ("Where is my next underwater holiday?", "first_diver_trip", 4),
            ("What should not be served for dinner?", "note_food", 3),
            ("What does Freya's sibling do?", "named_sister", 1),
        ],
    ),
    FactUser(
        "Mateo Silva",
        {
            "named_drone": "Mateo films weddings with a drone.",
            "named_drone_brother": "Mateo's brother flies drones for a surveying firm.",
            "first_surf": "I surf before work when the waves are good.",
            "note_sleep": "Early to bed, usually by ten.",
            "first_baby": "We just had a baby girl called Luna.",
        },
        [
            ("What kind of events does Mateo record?", "named_drone", 4),
            ("What work does Mateo's sibling do?", "named_drone_brother", 4),
            ("What do I do in the sea in the mornings?", "first_surf", 2),
            ("When does this person turn in for the night?", "note_sleep", 3),
            ("What is my newborn called?", "first_baby", 2),
        ],
    ),
    FactUser(
        None,
        {
            "first_exam": "I'm resitting my driving test next month.",
            "first_exam_uni": "I passed my final accounting test in January.",
            "note_coffee": "Has a hot chocolate every afternoon at four.",
            "first_sister": "My little sister is three years younger and lives with me.",
            "note_pet": "Has a bearded dragon called Spike.",
        },
        [
            ("Which exam am I taking again?", "first_exam", 4),
            ("Which professional hurdle have I already cleared?", "first_exam_uni", 4),
            ("What is the usual afternoon drink?", "note_coffee", 3),
            ("Who shares my home?", "first_sister", 2),
            ("What kind of reptile is kept?", "note_pet", 3),
        ],
    ),
    FactUser(
        "Isabel Cruz",
        {
            "named_bakery": "Isabel decorates cakes for a bakery in Seville.",
            "named_flamenco": "Isabel dances flamenco twice a week.",
            "first_kid": "My son has autism and goes to a special school.",
            "note_car": "Doesn't drive; relies on buses.",
            "first_mum": "I look after my mother, who has dementia.",
        },
        [
            ("What does Isabel do at work?", "named_bakery", 1),
            ("Which dance does Isabel practise?", "named_flamenco", 1),
            ("What kind of school does my boy go to?", "first_kid", 2),
            ("How does this person get around?", "note_car", 3),
            ("Who do I care for at home?", "first_mum", 2),
            ("What does Isabel do for a job, and what does she do for fun?", ("named_bakery", "named_flamenco"), 1),
        ],
    ),
]


# --------------------------------------------------------------------------- chats, dev split
# Each chat: sample id, sessions [(date, turns)], questions [(question, answer, evidence labels,
# category)]. Turns alternate user, assistant, user, ...; a turn is its text, or (label, text)
# when a question's evidence names it.

CHATS_DEV: list[Chat] = [
    Chat(
        "chat-01",
        [
            (
                "9:15 am on 3 March, 2024",
                [
                    ("kids", ("Hi! I want to get better at cooking weeknight dinners. I've got two kids, Maya who's eight "
                     "and Theo who's five, and they're picky in completely different ways.")),
                    ("kids_a", ("That's a really common starting point, and the good news is that two differently picky "
                     "kids are easier to cook for than it sounds. With Maya at eight and Theo at five, the trick that "
                     "works for most families is the deconstructed dinner: you cook one meal, but you serve the parts "
                     "separately so each child can build their own plate. Tacos, grain bowls, pasta with toppings on "
                     "the side, and make-your-own wraps all work this way. Keep one 'safe' food on the table at every "
                     "meal, like plain rice, bread or cucumber sticks, so nobody goes hungry, and let them serve "
                     "themselves. Children are far more likely to try something they put on their own plate. It also "
                     "helps to involve them in small jobs, such as washing vegetables or stirring, because kids who "
                     "helped cook tend to be proud of the result.")),
                    ("veg", ("The other complication is that my husband Raj went vegetarian last year, so right now I'm "
                     "basically cooking two versions of everything.")),
                    ("veg_a", ("Cooking two full meals every night is exhausting, so let's get you down to one. Since Raj "
                     "is vegetarian, the easiest approach is a 'base and branch' meal: build the whole dish around a "
                     "vegetarian base and add meat as an optional extra at the end. For example, make a big pot of "
                     "tomato and lentil ragu, then fry a few meatballs separately for whoever wants them. Stir-fries, "
                     "curries, chilli and soups all work like this. Beans, lentils, eggs, paneer, halloumi and tofu are "
                     "your friends for protein. Over a week you'll probably find that some nights nobody misses the "
                     "meat at all, which saves money too.")),
                    ("kitchen", ("Our kitchen is tiny. We moved into a flat in Bristol in January and I only have two hob "
                     "rings and a combination microwave oven.")),
                    ("kitchen_a", ("Two rings and a combi microwave are more workable than they look, but they do change "
                     "what you should cook. With only two hob rings, favour one-pot and one-pan dishes: risottos, dals, "
                     "shakshuka, noodle soups and pasta where the sauce cooks in the same pan. The combination oven is "
                     "good for small traybakes if you use a shallow dish that fits the turntable, and it can roast "
                     "vegetables on the convection setting while the hob does the rest. A few pieces of kit make a "
                     "small kitchen much easier: a wide, deep frying pan with a lid, one large saucepan, a rice cooker "
                     "or a slow cooker that lives on the counter, and a good chopping board that fits over the sink.")),
                    "What's one dish I could try this week that might keep everyone happy?",
                    ("Try a chickpea and spinach curry with a mild coconut base. Here's how it fits your family: soften "
                    "an onion, garlic and ginger in your big pan, add a spoonful of mild curry paste, then a tin of "
                    "chickpeas, a tin of coconut milk and a tin of chopped tomatoes. Simmer for fifteen minutes and "
                    "stir in a few handfuls of spinach at the end. While it cooks, put rice on the second ring. For "
                    "anyone who wants meat, pan-fry some chicken strips separately and let people add them at the "
                    "table. Serve plain rice, yoghurt, naan and cucumber sticks in separate bowls so the children can "
                    "choose. It takes about thirty minutes, uses two rings and one chopping board, and leftovers make "
                    "a good lunch the next day."),
                ],
            ),
            (
                "7:40 pm on 10 March, 2024",
                [
                    ("curry", ("I made the curry on Wednesday. Theo ate the rice and nothing else, but Maya asked for "
                     "seconds!")),
                    ("curry_a", ("That's a genuinely good result. Maya asking for seconds means the flavour level is "
                     "right, and Theo eating the rice is fine: at five, many children need to see a new dish on the "
                     "table ten or fifteen times before they try it. Keep serving it now and then without pressure, "
                     "and let him have his safe food. A small trick is to put a single chickpea or a spoonful of sauce "
                     "on the edge of his plate and say nothing about it. Another is to let him add the toppings "
                     "himself, which gives him a bit of control over the meal.")),
                    ("pan", ("My grandmother gave me her old cast iron skillet when she moved into a care home, but it's "
                     "gone a bit rusty. Can I save it?")),
                    ("pan_a", ("Almost certainly, and it's worth doing, because a skillet from your grandmother has "
                     "probably had decades of seasoning. Rust on cast iron is usually only on the surface. Scrub the "
                     "rusty patches with steel wool and a little warm soapy water until you see bare grey metal, then "
                     "rinse and dry it completely on a low ring for a few minutes. Rub a very thin layer of vegetable "
                     "or flaxseed oil over the whole pan, inside and out, and wipe off as much as you can, so it looks "
                     "almost dry. Then heat it upside down in the oven at its highest setting for an hour. Repeat the "
                     "oiling and heating two or three times for a good base layer. Afterwards, cook something fatty in "
                     "it, such as bacon or fried potatoes, and always dry it on the heat after washing.")),
                    ("thumb", ("Also, I cut my thumb badly last week using a cheap serrated knife, so I'm thinking of "
                     "buying a proper chef's knife.")),
                    ("thumb_a", ("Sorry to hear about your thumb. Ironically, cheap serrated knives cause a lot of those "
                     "injuries because they need so much force and tend to slip on vegetables. A sharp chef's knife is "
                     "safer because it goes where you point it. Look for a 20 cm blade, a handle that feels secure when "
                     "your hand is wet, and a steel that can be sharpened at home. German-style knives are heavier and "
                     "forgiving; Japanese-style knives are lighter and sharper but chip more easily. Whatever you buy, "
                     "learn the claw grip: curl the fingertips of the hand holding the food under your knuckles, so the "
                     "side of the blade rests against them.")),
                    ("budget", "My budget is about 60 pounds."),
                    ("budget_a", ("Sixty pounds buys a very good knife. A few well-regarded options in that range are the Victorinox "
                     "Fibrox chef's knife, which is light, easy to sharpen and used in many professional kitchens; the "
                     "Tojiro DP gyuto, which is sharper and suits someone who enjoys chopping; and the Wüsthof or "
                     "Zwilling entry-level ranges when they are on sale. If you can, hold a few in a shop before you "
                     "buy, because comfort matters more than the brand. Put a little of the budget aside for a "
                     "honing rod or a simple pull-through sharpener, and store the knife in a guard or on a magnetic "
                     "strip rather than loose in a drawer.")),
                ],
            ),
            (
                "12:05 pm on 24 March, 2024",
                [
                    ("party", ("Big news: I'm hosting my in-laws for Raj's fortieth birthday dinner next Saturday. Eight "
                     "people, and his mum is vegan.")),
                    ("party_a", ("A fortieth for Raj is a lovely reason to cook, and eight people is a very manageable "
                     "number if you plan ahead. With his mum vegan and Raj vegetarian, the simplest plan is to make the "
                     "whole menu vegan, so nobody needs a special plate and you only cook one main. Choose dishes that "
                     "can be made the day before and reheated or finished in the oven, because your two rings will be "
                     "the bottleneck on the night. A mushroom and chestnut wellington, a big tray of roasted "
                     "vegetables, a grain salad and a good gravy would feel festive. Write a timeline working "
                     "backwards from when you want to sit down, and borrow extra chairs and plates now.")),
                    "I'm worried about dessert. I've never baked anything except banana bread.",
                    ("Dessert is the easiest course to make ahead, so it's a good place to take pressure off. A few "
                    "vegan desserts that don't need baking skills: a dark chocolate mousse made with aquafaba, the "
                    "liquid from a tin of chickpeas, which whips like egg white; poached pears in spiced red wine; a "
                    "fruit crumble with an oat and coconut oil topping; or a tray of brownies made with flax eggs. "
                    "Poached pears are the most forgiving because you can make them two days ahead and they only get "
                    "better. If you want something celebratory, stick candles in a shop-bought vegan cake and "
                    "nobody will mind in the slightest."),
                    ("sister", "My sister Leena is a pastry chef, maybe I should just ask her to bring something?"),
                    ("sister_a", ("Yes, absolutely ask Leena. Having a pastry chef in the family and not asking her "
                     "would be a waste! Most people who cook for a living are happy to contribute something they're "
                     "proud of, and it frees you to focus on the main course. Tell her the guest count and that the "
                     "meal is fully vegan, so she can plan around butter and cream. You could offer to cover the "
                     "ingredients or to return the favour another time.")),
                    ("tart", "Okay, she's bringing a lemon tart. What should I do for starters?"),
                    ("tart_a", ("A lemon tart is a bright finish, so keep the starters light and easy to pass around. Good "
                     "options: a platter of grilled vegetables with hummus and warm flatbread; bruschetta with "
                     "tomato, garlic and basil; little bowls of marinated olives and roasted nuts; or a chilled pea "
                     "and mint soup served in cups. Pick two that can be made in advance. Set them out as people "
                     "arrive so the room feels welcoming while you finish the main course in the kitchen.")),
                ],
            ),
            (
                "6:30 pm on 6 April, 2024",
                [
                    ("dinner", ("The birthday dinner went really well. The mushroom wellington was the star; even my "
                     "father-in-law, who hates mushrooms, had two slices.")),
                    ("dinner_a", ("That's wonderful, and winning over someone who hates mushrooms is the highest praise "
                     "a wellington can get. You planned that meal carefully for a tiny kitchen and it paid off. Write "
                     "down what you did and how long each step took while it's fresh, because that timeline will make "
                     "the next dinner party much less stressful. It's also worth noting which dishes had leftovers, so "
                     "you can scale quantities next time.")),
                    ("pasta", ("Next I want to learn to make fresh pasta. I bought a pasta machine yesterday at a car "
                     "boot sale for five pounds.")),
                    ("Fresh pasta is a great next project and a five-pound machine is a bargain. The classic dough is "
                    "simple: 100 g of 00 flour to one large egg per person. Make a well in the flour, beat the eggs "
                    "into it with a fork, then knead for eight to ten minutes until the dough is smooth and springy. "
                    "Wrap it and rest it for thirty minutes, so the gluten relaxes. Roll it through the machine on the "
                    "widest setting, fold it in three, and repeat a few times before working down through the "
                    "settings. Cut tagliatelle by hand or with the machine's cutter, dust it with semolina, and cook "
                    "it for two to three minutes in well-salted boiling water."),
                    ("egg", "Theo has an egg allergy though, so I'd need an eggless version for him."),
                    ("egg_a", ("Good thinking, and you can make that the version everyone eats. Southern Italian "
                     "pasta is traditionally made without egg: just semolina flour and warm water, roughly two parts "
                     "flour to one part water by weight. It's firmer and perfect for hand-shaped shapes like "
                     "orecchiette and cavatelli, which don't even need the machine. Because Theo is allergic to egg, "
                     "keep the boards and the machine clean of any egg dough if you ever make both, and check that "
                     "dried semolina brands are not processed alongside egg pasta.")),
                    "Perfect, we'll try orecchiette this weekend with the kids.",
                    ("Orecchiette is ideal for kids because the shaping is basically play. Roll the dough into a rope "
                    "about as thick as your finger and cut it into small pieces. Press each piece with a blunt knife "
                    "and drag it towards you so it curls, then push it inside out over your thumb to make a little "
                    "ear. Don't worry if they are uneven: rustic shapes hold the sauce better. Let them dry for an "
                    "hour on a floured tray, then cook them for about five minutes. A simple sauce of cherry tomatoes "
                    "and broccoli works well, and any leftover shapes freeze well on a tray."),
                ],
            ),
        ],
        [
            ("What are the names and ages of my children?", "Maya, who is eight, and Theo, who is five",
             ("kids", "kids_a"), 4),
            ("Why has the user been cooking two versions of every meal?", "Her husband Raj went vegetarian last year",
             ("veg", "veg_a"), 4),
            ("Which city did I move to in January?", "Bristol", ("kitchen",), 4),
            ("What cooking equipment do I have in my kitchen?", "Two hob rings and a combination microwave oven",
             ("kitchen", "kitchen_a"), 4),
            ("Which of my children liked the chickpea curry?", "Maya, who asked for seconds", ("curry", "curry_a"), 4),
            ("Who gave me the cast iron skillet?", "Her grandmother, when she moved into a care home",
             ("pan", "pan_a"), 4),
            ("How did I hurt my thumb?", "Cutting with a cheap serrated knife", ("thumb", "thumb_a"), 4),
            ("How much did I want to spend on a chef's knife?", "About 60 pounds", ("budget", "budget_a"), 4),
            ("When was Raj's fortieth birthday dinner?", "Saturday, 30 March 2024", ("party", "party_a"), 2),
            ("Which guest at the birthday dinner is vegan?", "Raj's mother", ("party", "party_a"), 4),
            ("What does my sister do for a living, and what did she bring to the birthday dinner?",
             "She is a pastry chef and brought a lemon tart", ("sister", "sister_a", "tart", "tart_a"), 1),
            ("When did I buy the pasta machine?", "5 April 2024, at a car boot sale", ("pasta",), 2),
            ("Which dish impressed the guests at the birthday dinner?", "The mushroom wellington",
             ("dinner", "dinner_a"), 4),
            ("Why does the user's younger child need eggless pasta?", "Theo, who is five, is allergic to egg",
             ("kids", "kids_a", "egg", "egg_a"), 1),
            ("What do my husband and my mother-in-law each eat?", "Raj is vegetarian and his mother is vegan",
             ("veg", "veg_a", "party", "party_a"), 1),
        ],
    ),
    Chat(
        "chat-02",
        [
            (
                "2:20 pm on 14 January, 2024",
                [
                    ("move", ("I'm moving from Leeds to Edinburgh in March for a new job as a data analyst at the "
                     "university. It's my first time moving cities on my own and I'm a bit overwhelmed.")),
                    ("move_a", ("Moving from Leeds to Edinburgh on your own is a big step, and feeling overwhelmed at "
                     "this stage is completely normal. The best cure is a timeline. Eight weeks before: decide how "
                     "you'll move your things and start getting quotes. Six weeks: give notice on your current "
                     "tenancy and start decluttering, selling or donating anything you don't want to pay to move. "
                     "Four weeks: book the move, order boxes, and tell your utilities, bank and employer your new "
                     "address. Two weeks: pack the rooms you use least. In the final week, pack an essentials box "
                     "and confirm every booking. A shared spreadsheet or a simple checklist app helps, because ticking "
                     "things off is surprisingly calming.")),
                    ("cats", ("I also have two cats: Pepper, who is fifteen and quite nervous, and Salt, who's two "
                     "and completely fearless.")),
                    ("cats_a", ("Cats handle moves very differently, and your two sound like opposites. For Pepper, at "
                     "fifteen and nervous, plan the move around keeping her calm: talk to your vet about whether a "
                     "mild sedative or a calming pheromone spray would help on the long drive, and get her used to the "
                     "carrier now by leaving it open with a blanket inside. Salt, at two, will probably treat the new "
                     "flat as an adventure, so the main risk is him slipping out of an open door on moving day. On "
                     "the day itself, shut both cats in one empty room with food, water and litter before the movers "
                     "arrive, and do the same in the new flat until the boxes are in.")),
                    ("budget", ("My relocation allowance from the new job is 2,000 pounds, and I'd like to keep the "
                     "whole move under that.")),
                    ("budget_a", ("A 2,000 pound allowance is a reasonable amount for a one-person move of that "
                     "distance, as long as you plan for the hidden costs. A rough breakdown: removals or van hire and "
                     "fuel, usually the largest item; packing materials; a professional clean of your old place to "
                     "protect the deposit; the first month's rent and deposit on the new flat, if the allowance "
                     "covers it; a night in a hotel if the timing doesn't line up; and small things like changing "
                     "locks, buying curtains that fit, or a broadband installation fee. Check with your new employer "
                     "whether the allowance is paid up front or reimbursed against receipts, and whether it is "
                     "taxed, because that changes how much you really have.")),
                    "Should I hire a removal company or do it myself with a van?",
                    ("It depends on how much you own and how much your time and back are worth. A self-drive van is "
                    "usually the cheapest option for a small flat: you pay the hire, fuel and one-way fee, and you can "
                    "move at your own pace. The downsides are loading and unloading everything yourself, driving a "
                    "large vehicle for several hours, and the risk of damage that no insurance covers. A removal "
                    "company costs more but packs, lifts and carries, is insured, and can handle awkward items. A "
                    "middle option is a 'man and a van' service, where you pack and they drive and lift. For a long "
                    "distance with heavy furniture, most people find the professional option worth the difference."),
                ],
            ),
            (
                "10:00 am on 28 January, 2024",
                [
                    ("flat", ("I found a flat in Leith! Two bedrooms, third floor, no lift. I signed the lease "
                     "yesterday.")),
                    ("flat_a", ("Congratulations, Leith is a lovely part of Edinburgh, with the shore, good food and "
                     "easy buses into the centre. A third-floor flat with no lift is very typical of Edinburgh "
                     "tenements, but it matters for moving day: tell every removal company about the stairs when you "
                     "ask for a quote, because they price for it and may send an extra person. Measure the "
                     "stairwell's narrowest turn and the front door before you commit to bringing large furniture, "
                     "and check whether the building has rules about moving times or parking a van outside.")),
                    ("piano", ("The big problem is my upright piano. It was my late dad's and I'm not leaving it "
                     "behind.")),
                    ("piano_a", ("Of course, a piano that belonged to your dad is worth the effort, and it can be done "
                     "safely. Upright pianos weigh 200 to 300 kilograms and are awkward rather than just heavy, so "
                     "this is one item not to move yourself. Use a removal firm that has specialist piano movers, or "
                     "a dedicated piano removal company, and tell them about the third floor and the tenement stairs. "
                     "They'll bring a piano board, straps and enough people. Expect the piano to need tuning a few "
                     "weeks after the move, once it has settled into the new room's temperature and humidity, and "
                     "keep it away from radiators and sunny windows.")),
                    ("quote", ("I got two quotes from removal firms: 1,450 pounds from one, and 1,900 from another "
                     "that includes the piano.")),
                    ("When comparing quotes, make sure you're comparing the same job. Check whether each quote "
                    "includes packing materials, insurance and the value it covers, the stairs at both ends, a piano "
                    "surcharge, waiting time if keys are late, and the date flexibility. If the cheaper firm would "
                    "need a separate piano specialist, add that cost, which is often 300 to 500 pounds for a long "
                    "distance with stairs. Read recent reviews, ask whether they use their own staff or "
                    "subcontractors, and get everything in writing. The cheaper quote is not always the cheaper move."),
                    ("choose", "Then I'll go with the second one, since the piano is included."),
                    ("That sounds sensible. Before you pay a deposit, confirm the details in writing: the exact date "
                    "and arrival window, the addresses including floor numbers, the piano and any other large items, "
                    "the insurance cover per item, what happens if the move is delayed, and the cancellation policy. "
                    "Ask whether they provide boxes and when they'll drop them off. Keep their phone number handy on "
                    "the day, and take photos of valuable furniture before it's wrapped, so you have a record if "
                    "anything arrives damaged."),
                ],
            ),
            (
                "4:45 pm on 17 February, 2024",
                [
                    ("deposit", ("My Leeds landlord is threatening to keep 300 pounds of my deposit because of a carpet "
                     "stain the cats made.")),
                    ("deposit_a", ("That's frustrating, but you have more protection than the landlord may suggest. In "
                     "England, your deposit must be held in a government-approved protection scheme, and if you "
                     "disagree with a deduction you can use the scheme's free dispute service. A landlord can only "
                     "charge for damage beyond fair wear and tear, and for 300 pounds on one stain, they'd need to "
                     "justify the cost with quotes or receipts. First, try a professional carpet clean, which often "
                     "costs far less than 300 pounds and may remove the stain entirely. Keep the receipt, take dated "
                     "photos, and compare them with your check-in inventory.")),
                    ("pack", "I started packing last weekend, and I've already filled thirty boxes with books."),
                    ("pack_a", ("Thirty boxes of books is impressive progress. Books are the classic packing trap "
                     "because they're so heavy: use small boxes, fill gaps with towels or clothes, and keep each box "
                     "to a weight you can lift comfortably, roughly fifteen kilograms. Label every box on two sides "
                     "with the room it's going to and a short list of contents, and number them so you can check "
                     "nothing went missing. Since your flat has three flights of stairs, the movers will appreciate "
                     "lighter boxes. Pack room by room and leave the things you use every day until the last week.")),
                    ("brother", ("My brother Callum lives in Glasgow, and he's offered to help me unpack the first "
                     "weekend.")),
                    ("brother_a", ("That's a great offer, and Glasgow to Edinburgh is an easy trip by train, so Callum "
                     "can come for a day or two without much planning. Unpacking goes much faster with two people, "
                     "especially for jobs like assembling a bed frame or hanging curtains. Give him a clear task, like "
                     "setting up the kitchen or building furniture, while you focus on the rooms you'll use first. "
                     "It's also nice to have family nearby in a new city, so it's worth making a habit of those "
                     "visits.")),
                    "What should go in the first-night box?",
                    ("Think of it as everything you'd need if the rest of the boxes vanished for 24 hours. Pack: "
                    "bedding and a pillow, a towel, toiletries and any medication, phone chargers and a power strip, "
                    "a kettle, mugs, tea or coffee, a few snacks and bottled water, toilet roll, a basic toolkit with "
                    "a screwdriver and scissors, a torch, cleaning spray and cloths, a change of clothes, important "
                    "documents, and the cats' food, bowls, litter and a favourite blanket. Carry it with you rather "
                    "than putting it on the removal van, so it arrives when you do."),
                ],
            ),
            (
                "11:30 am on 9 March, 2024",
                [
                    ("moved", ("We made it! The movers came on Thursday and everything arrived, including the piano, "
                     "without a scratch.")),
                    ("Congratulations, that's a huge relief, and a piano arriving unharmed up three flights of stairs "
                    "is a real achievement. For the next few days, aim for a few small wins rather than unpacking "
                    "everything at once: make the bed, set up the kitchen basics, and sort out one room where you can "
                    "sit and relax. Flatten boxes as you go so they don't take over. Give yourself permission to leave "
                    "the less important boxes for a few weeks, and take a walk around the neighbourhood each day to "
                    "get your bearings."),
                    ("pepper", ("Pepper has been hiding under the bed since we arrived, but Salt is already exploring "
                     "every cupboard.")),
                    ("pepper_a", ("That's very typical, and it sounds like both cats are reacting exactly as their "
                     "personalities suggested. For Pepper, let the bedroom be her safe room: put her food, water and "
                     "litter tray nearby, keep it quiet, and let her come out in her own time, which can take a week "
                     "or two for an older, nervous cat. Sit in the room and read or talk softly so she gets used to "
                     "the new sounds. Salt's curiosity is good, but check the cupboards for cleaning products and gaps "
                     "behind appliances, and keep windows closed until he's settled. Keep both indoors for at least "
                     "two weeks before letting them explore outside.")),
                    ("start", ("I still need to register with a GP and change my address on everything. I start the "
                     "new job on Monday.")),
                    ("start_a", ("Good to get those sorted before you start on Monday, because the first week of a job "
                     "eats your free time. In Scotland, you register with a GP practice that covers your postcode; "
                     "most let you apply online. For your address, update in roughly this order: your bank and credit "
                     "cards, your employer and payroll, HMRC, the electoral register, your driving licence, which is "
                     "free to update online, your phone contract, insurance policies, subscriptions and online "
                     "shopping accounts. Set up Royal Mail redirection for three to six months to catch anything you "
                     "forget. Don't forget the council tax registration for the new flat.")),
                    "Any tips for meeting people in a new city?",
                    ("Meeting people as an adult takes a bit of deliberate effort, but it works. Join something that "
                    "meets regularly, because friendships grow from seeing the same faces week after week: a running "
                    "club, a choir, a climbing wall, a language exchange, a board-game night or a volunteering "
                    "group. Say yes to invitations from new colleagues in the first months, even when you're tired. "
                    "Apps for finding activity partners can help too. Be patient: it usually takes several months to "
                    "feel at home. In the meantime, having family or old friends visit helps bridge the gap."),
                ],
            ),
        ],
        [
            ("Which city is the user moving to, and from where?", "From Leeds to Edinburgh", ("move", "move_a"), 4),
            ("What job am I moving for?", "A data analyst job at the university", ("move",), 4),
            ("Which of my cats is the nervous one?", "Pepper, who is fifteen", ("cats", "cats_a"), 4),
            ("How old is Salt?", "Two", ("cats", "cats_a"), 4),
            ("How much is my relocation allowance?", "2,000 pounds", ("budget", "budget_a"), 4),
            ("When did I sign the lease on the new flat?", "27 January 2024", ("flat",), 2),
            ("Which area of Edinburgh is my new flat in, and what floor is it on?",
             "Leith, on the third floor with no lift", ("flat", "flat_a"), 4),
            ("Whose piano is the user moving?", "Their late father's upright piano", ("piano", "piano_a"), 4),
            ("How much did the removal firm I chose charge?", "1,900 pounds, including the piano",
             ("quote", "choose"), 1),
            ("Why does my old landlord want to keep part of my deposit?", "Because of a carpet stain the cats made",
             ("deposit", "deposit_a"), 4),
            ("When did I start packing?", "The weekend before 17 February 2024 (10-11 February)",
             ("pack", "pack_a"), 2),
            ("Where does my brother live?", "Glasgow", ("brother", "brother_a"), 4),
            ("When did the movers bring my things to Edinburgh?", "Thursday, 7 March 2024", ("moved",), 2),
            ("When does the user start the new job?", "Monday, 11 March 2024", ("start", "start_a"), 2),
            ("How is my older cat coping with the new flat?", "Pepper, the fifteen-year-old, is hiding under the bed",
             ("cats", "cats_a", "pepper", "pepper_a"), 1),
        ],
    ),
    Chat(
        "chat-03",
        [
            (
                "7:05 am on 4 February, 2024",
                [
                    ("goal", ("I'm 46 and I want to run the Bath Half Marathon in October. Right now I can run about "
                     "5 km without stopping.")),
                    ("goal_a", ("That's a realistic goal. Going from 5 km to a half marathon in about eight months gives "
                     "you plenty of time, and being able to run 5 km continuously is a solid base. The general shape "
                     "of the plan is to build your weekly distance slowly, by no more than about ten percent a week, "
                     "with one longer run each week that grows from 5 km towards 18 or 19 km by early autumn. Most of "
                     "your running should be at an easy, conversational pace, where you could chat in full sentences. "
                     "Every fourth week, cut the distance back to let your body absorb the training. At 46, recovery "
                     "takes a little longer than it did at 25, so rest days and sleep are part of the plan, not a "
                     "break from it.")),
                    ("ten_k", "I've also entered a 10k in Cardiff on the 19th of May as a stepping stone."),
                    ("ten_k_a", ("A 10k in Cardiff in May is a great stepping stone. It gives you a concrete target for "
                     "the first phase, a taste of race-day logistics and nerves, and a fitness check before the "
                     "longer build to the half. Plan to be comfortably running 8 to 10 km in training by the end of "
                     "April, then ease off in the final week before the race. Afterwards, take a few easy days before "
                     "you start the half marathon phase.")),
                    ("shins", ("My worry is my shins. I had shin splints two years ago when I tried to do couch to 5k "
                     "too fast.")),
                    ("shins_a", ("Shin splints are one of the most common injuries for people returning to running, "
                     "and they're usually caused by doing too much too soon, so your history makes sense. A few things "
                     "help prevent them coming back: increase distance gradually and resist the urge to add extra "
                     "runs when you feel good; run on softer surfaces like trails or grass when you can; make sure "
                     "your shoes suit your feet and aren't worn out; and add simple strength work twice a week, "
                     "especially calf raises, toe walks and tibialis raises against a wall. If you feel a sharp, "
                     "localised pain along the shin, stop and rest, because pushing through turns a week off into two "
                     "months off.")),
                    ("schedule", "I can run three mornings a week before work: Monday, Wednesday and Saturday."),
                    ("schedule_a", ("Three runs a week on Monday, Wednesday and Saturday is a good pattern, because each "
                     "run has a rest day after it, except Saturday to Monday, which has a full day off anyway. Make "
                     "Monday an easy run, Wednesday an easy run with some short strides or a few minutes slightly "
                     "faster, and Saturday your long run, since weekends usually give you more time. Do the strength "
                     "exercises on Tuesday and Friday. Morning runs before work are great for consistency; just allow "
                     "five to ten minutes of brisk walking or gentle jogging to warm up, because muscles are stiffer "
                     "early in the day.")),
                ],
            ),
            (
                "6:50 pm on 25 February, 2024",
                [
                    ("shoes", ("I went to a running shop yesterday for a gait analysis. It turns out I overpronate, so I "
                     "bought a pair of Brooks Adrenaline.")),
                    ("shoes_a", ("Good move. A gait analysis is especially useful when you've had shin trouble, and the "
                     "Brooks Adrenaline is one of the best-known stability shoes for overpronation, which is when the "
                     "foot rolls inwards more than average after landing. Break them in gradually: wear them for "
                     "short runs first and alternate with your old shoes for a couple of weeks. Make a note of the "
                     "date you started using them, because running shoes generally last 500 to 800 km before the "
                     "cushioning wears out.")),
                    ("gwen", ("My neighbour Gwen has started running with me on Saturdays. She's much faster than me, "
                     "though.")),
                    ("gwen_a", ("Having Gwen as a running partner is brilliant for motivation, and Saturday long runs "
                     "are much more enjoyable with company. The risk with a faster partner is that you end up running "
                     "her pace rather than yours, which turns your easy long run into a hard one. Agree beforehand that "
                     "the long run is at your conversational pace. She can run ahead and loop back, or do the last "
                     "few kilometres faster on her own. Faster runners often benefit from slow runs too, so it may "
                     "suit her more than she expects.")),
                    ("diet", "Should I change what I eat? I'm vegetarian and I usually skip breakfast."),
                    ("diet_a", ("You don't need to overhaul your diet, but a couple of tweaks will help. Skipping "
                     "breakfast is fine for short easy runs, but as your Saturday runs get longer than an hour, eat "
                     "something small beforehand, such as a banana, toast with honey or a few dates. After runs, have "
                     "a meal with both carbohydrates and protein within a couple of hours. As a vegetarian runner, pay "
                     "attention to iron, because low iron makes running feel much harder: lentils, beans, tofu, dark "
                     "leafy greens and fortified cereals help, especially with vitamin C at the same meal. Eggs, dairy, "
                     "beans and tofu cover protein well.")),
                ],
            ),
            (
                "8:15 pm on 17 March, 2024",
                [
                    ("tenk_first", "Quick update: I ran 10 km for the first time this morning! It took me 64 minutes."),
                    ("tenk_first_a", ("That's a fantastic milestone. Running your first 10 km in 64 minutes puts you in "
                     "a great position for Cardiff, and it's two months earlier than you needed. Enjoy it, then resist "
                     "the temptation to run 10 km every time you go out. Go back to your planned distances for the next "
                     "couple of weeks and let the long run grow gradually. Many runners get injured in the weeks after "
                     "a breakthrough because they suddenly feel invincible.")),
                    ("calf", "But my left calf has been tight since Thursday."),
                    ("calf_a", ("Keep an eye on that left calf. Tightness that feels like general stiffness and eases as "
                     "you warm up is usually just fatigue, and gentle foam rolling, calf stretches and an extra rest "
                     "day often sort it out. If it's a sharp pain in one spot, gets worse during a run, or makes you "
                     "limp, stop running and see a physiotherapist. Because you've had a big week, swap your next run "
                     "for a walk or a bike ride and see how it feels.")),
                    "What's a good stretching routine after runs?",
                    ("After a run, when your muscles are warm, five to ten minutes of gentle stretching feels good and "
                    "helps you cool down. A simple routine: a standing calf stretch against a wall, with the back knee "
                    "straight and then bent, thirty seconds each; a standing quad stretch, holding your ankle behind "
                    "you; a hamstring stretch with your heel on a low step; a hip flexor stretch in a lunge position; "
                    "and a glute stretch lying on your back with one ankle crossed over the opposite knee. Breathe "
                    "slowly and don't bounce. Stretching won't prevent every injury, but it helps you notice tight "
                    "spots early."),
                    ("watch", ("My daughter gave me a Garmin watch for my birthday, so I can finally track my heart "
                     "rate.")),
                    ("watch_a", ("What a thoughtful present from your daughter. Heart rate is very useful for keeping "
                     "easy runs truly easy. Wrist-based sensors are reasonably accurate for steady running, though "
                     "they can lag during intervals. A common rule is to keep easy runs in zone 2, roughly 60 to 70 "
                     "percent of your maximum heart rate. The old formula of 220 minus your age is only a rough guess, "
                     "so after a few weeks, look at the data from your hardest efforts to set better zones.")),
                ],
            ),
            (
                "5:30 pm on 21 April, 2024",
                [
                    "Only four weeks until Cardiff! I'm nervous about pacing.",
                    ("Nerves are normal and a sign that you care. Pacing is the biggest single factor in how a race "
                    "feels. Most first-time racers start far too fast because they're fresh, excited and surrounded "
                    "by others. The goal is an even effort: aim for the first two kilometres to feel almost too easy, "
                    "settle into your target pace, and only push in the last two or three kilometres if you feel good. "
                    "Practise your race pace for a few kilometres in the middle of one run a week between now and the "
                    "race, so that your body recognises it on the day."),
                    ("target", "I'd love to finish the 10k in under an hour."),
                    ("target_a", ("Under an hour is a very achievable target given your first 10 km took 64 minutes in "
                     "March. It means averaging six minutes per kilometre. In the race, set your watch to show your "
                     "average pace and aim for 6:05 to 6:10 per kilometre for the first half, then gradually speed up. "
                     "Race-day adrenaline usually makes you a little faster than training, so you might surprise "
                     "yourself.")),
                    ("hill", "The route has a big hill at about the 7 km mark."),
                    ("hill_a", ("Good to know about the hill at 7 km, because it's exactly where people lose time by "
                     "attacking it. Run hills by effort, not pace: shorten your stride, keep your arms moving and let "
                     "your pace drop. You'll lose maybe thirty seconds on the climb and get most of it back on the way "
                     "down. Practise by adding a hilly loop to one of your runs each week, and on race day save a "
                     "little energy for the last three kilometres after the hill.")),
                ],
            ),
            (
                "9:00 pm on 26 May, 2024",
                [
                    ("result", "I did it! I finished Cardiff last Sunday in 58 minutes and 40 seconds."),
                    ("result_a", ("Congratulations! Finishing in 58:40 means you beat your goal of under an hour by more "
                     "than a minute. Take the time to enjoy it. After a race, give yourself a few days of easy running "
                     "or rest, even if you feel fine, because your legs need time to recover. Then you can start the "
                     "half marathon phase with real confidence.")),
                    ("next", ("Now the half. I'm thinking of adding a fourth run, maybe a Thursday trail run with a "
                     "club.")),
                    ("next_a", ("A fourth run on Thursday with a trail club is a great idea for the half marathon phase. "
                     "Trails are gentler on the shins, and a club gives you company and new routes. Keep the Thursday "
                     "run easy and short at first, since it adds to your total weekly distance, and watch that the "
                     "increase stays gradual. Your Saturday long run stays the most important session.")),
                    "My shins have been fine all along, by the way. The strength exercises helped.",
                    ("That's great to hear, and it's a good lesson: the boring strength work is doing its job. Keep "
                    "doing it twice a week through the half marathon training, because the longer distances put more "
                    "load on your lower legs. You can gradually make the exercises harder by doing single-leg calf "
                    "raises, adding a backpack with some weight, or slowing down the lowering part of each movement. "
                    "Consistency matters more than intensity here."),
                ],
            ),
        ],
        [
            ("Which half marathon does the user want to run, and when?", "The Bath Half Marathon in October",
             ("goal", "goal_a"), 4),
            ("How far could I run without stopping when I started training?", "About 5 km", ("goal", "goal_a"), 4),
            ("How old am I?", "46", ("goal", "goal_a"), 4),
            ("Which 10k race did I enter as a stepping stone?", "A 10k in Cardiff on 19 May", ("ten_k", "ten_k_a"), 4),
            ("What injury did I have two years ago?", "Shin splints, from doing couch to 5k too fast",
             ("shins", "shins_a"), 4),
            ("On which days of the week do I run?", "Monday, Wednesday and Saturday mornings",
             ("schedule", "schedule_a"), 4),
            ("When did I have my gait analysis?", "24 February 2024", ("shoes",), 2),
            ("Which running shoes did I buy, and why?", ("Brooks Adrenaline, because the gait analysis showed "
             "overpronation"), ("shoes", "shoes_a"), 4),
            ("Who runs with the user on Saturdays?", "Their neighbour Gwen", ("gwen", "gwen_a"), 4),
            ("When did I run 10 km for the first time?", "The morning of 17 March 2024",
             ("tenk_first", "tenk_first_a"), 2),
            ("Who gave me my Garmin watch?", "My daughter, for my birthday", ("watch", "watch_a"), 4),
            ("How much faster was my Cardiff race than my first 10 km run?",
             "5 minutes 20 seconds faster (58:40 against 64 minutes)", ("tenk_first", "tenk_first_a", "result", "result_a"), 1),
            ("When did I run the Cardiff 10k?", "Sunday, 19 May 2024", ("ten_k", "ten_k_a", "result", "result_a"), 2),
            ("Did I reach my time goal for the 10k?", "Yes: the goal was under an hour and the time was 58:40",
             ("target", "target_a", "result", "result_a"), 1),
            ("Which muscle did I say had been tight in the week of my first 10 km?", "The left calf", ("calf", "calf_a"), 4),
            ("What eating habits did I mention?", "Vegetarian, and usually skips breakfast", ("diet", "diet_a"), 4),
            ("Which extra run is the user thinking of adding for the half marathon?",
             "A Thursday trail run with a club", ("next", "next_a"), 4),
        ],
    ),
    Chat(
        "chat-04",
        [
            (
                "8:30 pm on 2 June, 2024",
                [
                    ("redundant", ("I was made redundant last month from my job as a senior graphic designer at a travel "
                     "magazine. Eleven years there.")),
                    ("redundant_a", ("I'm sorry, that's a hard thing to go through, especially after eleven years in one "
                     "place. It's normal to feel a mix of shock, grief and even relief, sometimes all in the same day. "
                     "Before you dive into applications, take care of the practical basics: check your redundancy pay "
                     "and notice period are correct, ask for a written reference while your managers remember your "
                     "work well, and save copies of your best projects if you haven't already. Then take a few days to "
                     "think about what you actually want next, rather than applying for everything that looks like "
                     "your old job. Eleven years of experience as a senior designer is a strong position to start from, "
                     "even if it doesn't feel that way right now.")),
                    ("ux", "I'm thinking about moving into UX design rather than staying in print."),
                    ("ux_a", ("Moving from print and graphic design into UX is one of the most common and successful "
                     "career changes in design, because you already have the visual skills, the eye for hierarchy and "
                     "typography, and experience working to briefs and deadlines. What you'll need to add is the "
                     "process side: user research, wireframing, prototyping, usability testing, and working with "
                     "product managers and developers. Tools like Figma will feel familiar quickly. The biggest gap "
                     "people face is showing evidence of that process in a portfolio, so plan to produce two or three "
                     "case studies that explain how you reached your design decisions, not just the final screens.")),
                    ("bootcamp", ("I've signed up for a twelve-week UX bootcamp that starts tomorrow. It's online, in "
                     "the evenings.")),
                    ("bootcamp_a", ("A structured twelve-week bootcamp is a good way to get the process and vocabulary "
                     "quickly, and the evening format leaves your days free for job hunting. To get the most from it, "
                     "treat every project as a potential portfolio piece and document your process as you go: sketches, "
                     "research notes, early versions and why you changed them. Connect with the other students and "
                     "mentors, because your cohort will become part of your network. And don't wait until it finishes "
                     "to start applying; your existing experience already makes you a candidate for some roles.")),
                    ("pickup", ("I need something that lets me do school pick-up at 3:15 for my son, so hybrid or remote "
                     "would be ideal.")),
                    ("pickup_a", ("That's a very reasonable requirement, and it's far more common now than a few years "
                     "ago. Being able to do the 3:15 school pick-up usually means either a remote or hybrid role with "
                     "flexible hours, or a compressed or part-time week. Filter job boards for remote and flexible "
                     "roles, and look for employers that advertise flexible working openly, since they are more likely "
                     "to mean it. In interviews, you don't need to explain your childcare in detail; asking how the "
                     "team handles core hours and flexibility is enough to find out whether it will work.")),
                ],
            ),
            (
                "11:10 am on 16 June, 2024",
                [
                    ("portfolio", ("I've been rebuilding my portfolio. My strongest project is a redesign of the "
                     "magazine's booking app that I did in 2022.")),
                    ("portfolio_a", ("The booking app redesign sounds like the perfect lead case study, because it's "
                     "already digital and connects directly to UX. Structure it as a story: the problem, with real "
                     "numbers if you have them, such as abandoned bookings; your role and the team; what you learned "
                     "about the users and how; the options you explored and why you rejected some; the final design; "
                     "and the results after launch. Hiring managers skim, so put a short summary at the top and use "
                     "clear headings. One strong, honest case study beats five pretty ones.")),
                    ("salary", "What salary should I ask for? I was on 48,000 at the magazine."),
                    ("salary_a", ("Your 48,000 is a useful anchor, but UX salaries vary a lot by level, sector and "
                     "location. As a career changer, you may be offered a mid-level rather than senior title at first, "
                     "so look at salary surveys and job ads for mid-level product and UX designers in your region, and "
                     "note the ranges. When asked, give a range rather than a single number, based on the role's "
                     "level, and mention that you're weighing the whole package, including flexibility, which has "
                     "real value for you. Try not to be the first to name a number if the advert already shows a band.")),
                    ("recruiter", ("A recruiter called Priya reached out on LinkedIn about a junior-to-mid UX role at a "
                     "fintech company called Lumen.")),
                    ("recruiter_a", ("That's a good sign that your profile is already being noticed. When you talk to "
                     "Priya, ask about the Lumen team's size, who the role reports to, how design work is done there, "
                     "the salary band, and the interview stages. Recruiters are paid by the employer, so be friendly "
                     "but keep your own interests in mind, and don't feel pressured to decide quickly. Ask whether the "
                     "role is remote or hybrid before you spend time preparing.")),
                    "Should I take a junior role even though I'm senior in graphic design?",
                    ("It depends on the role more than the title. Some companies use 'junior' to mean they want someone "
                    "new to the whole field, and they'll pay accordingly; others are simply cautious about career "
                    "changers and will promote quickly once you prove yourself. Look at the responsibilities and the "
                    "salary rather than the label. Your experience with clients, deadlines, brand systems and managing "
                    "work often lets people move up within a year or two. A good compromise is to aim for mid-level "
                    "roles and treat junior ones as a backup if they pay well and offer real mentoring."),
                ],
            ),
            (
                "7:45 pm on 30 June, 2024",
                [
                    ("lumen1", ("I had a first interview with Lumen on Thursday. It went okay, but they asked a lot "
                     "about data and A/B testing.")),
                    ("lumen1_a", ("Getting through a first interview with Lumen is progress, and the questions tell you "
                     "what they value. Fintech teams often lean heavily on experiments, so brush up on the basics "
                     "before any next round: what an A/B test is, how to choose a metric, why sample size matters, and "
                     "how you'd decide when a result is meaningful. You don't need to be a statistician. Being able to "
                     "describe a design decision you'd test, how you'd measure success, and what you'd do if the "
                     "result was unclear will go a long way.")),
                    ("greenway", ("I also have an interview on Tuesday at a charity, the Greenway Trust, for a mid-level "
                     "product designer role, four days a week.")),
                    ("greenway_a", ("A four-day product designer role at the Greenway Trust sounds like it could fit "
                     "your life well. Charities often have smaller design teams, so you may get broader "
                     "responsibility. Prepare by reading their annual report and trying their website and any apps as "
                     "a user, noting where things are confusing. Be ready to talk about how you'd work with limited "
                     "budgets and how your work could support their mission. It's also fine to ask how the four days "
                     "are arranged.")),
                    ("task", "Greenway also want a take-home design exercise: redesign their volunteer sign-up flow."),
                    ("task_a", ("For the volunteer sign-up exercise, show your thinking as much as the screens. Spend a "
                     "little time understanding who signs up and why, look at their current flow step by step, list "
                     "the friction points you find, and explain your priorities. Keep the final design realistic for "
                     "a charity to build. Set yourself a time limit, perhaps six to eight hours in total, so it doesn't "
                     "take over your week, and include a short note about what you'd research or test next if you had "
                     "more time.")),
                ],
            ),
            (
                "3:20 pm on 21 July, 2024",
                [
                    ("offer", "The Greenway Trust offered me the job! 44,000 for four days a week, mostly remote."),
                    ("offer_a", ("Congratulations, that's fantastic news! It's worth looking at what 44,000 for four days "
                     "really means: the full-time equivalent is about 55,000, so your pay per day is higher than "
                     "before, and you get a day a week back. Combined with mostly remote work, that seems like an "
                     "excellent fit for the school run. Before you accept, check the written offer for the pension, "
                     "holiday allowance, which is often pro-rated, probation period and notice. If anything is "
                     "unclear, it's completely normal to ask.")),
                    ("rejected", "Lumen rejected me after the second round, which honestly stung."),
                    ("rejected_a", ("It's natural that it stung, even with a better offer in hand. Rejection after a second round "
                     "often comes down to small differences between strong candidates, or to a preference for someone "
                     "with more experience in the exact domain, rather than anything you did wrong. If you feel up to "
                     "it, ask the recruiter for feedback; it can be surprisingly useful. And remember: the role you "
                     "accepted fits your life better, so this may well have worked out for the best.")),
                    ("start", "I start on the 5th of August. My son starts at a new school in September too."),
                    ("start_a", ("Starting on 5 August gives you a few weeks to settle into the job before your son's "
                     "new school begins in September, which is good timing. Use the summer weeks to learn the "
                     "organisation, its tools and people, and to find a rhythm for your four days. Closer to "
                     "September, expect the first few weeks at the new school to be tiring for both of you, so try to "
                     "keep that period light at work.")),
                    "How should I prepare for my first week?",
                    ("Go in with curiosity rather than a plan to impress. Before day one, make sure your equipment and "
                    "accounts are ready. In the first week, ask your manager what success looks like at three and six "
                    "months, book short introductions with the people you'll work with most, and write down the "
                    "acronyms and names you hear. Look at existing research and design files to understand how things "
                    "are done. Ask lots of questions: new people are expected to. A small early win, like fixing a "
                    "confusing form, is great, but your main job in the first weeks is to listen."),
                ],
            ),
        ],
        [
            ("What was my previous job, and how long was I there?",
             "Senior graphic designer at a travel magazine, for eleven years", ("redundant", "redundant_a"), 4),
            ("When was the user made redundant?", "May 2024, the month before 2 June 2024", ("redundant",), 2),
            ("Which field am I trying to move into?", "UX design", ("ux", "ux_a"), 4),
            ("When did my UX bootcamp start?", "3 June 2024", ("bootcamp",), 2),
            ("How long is the bootcamp I signed up for?", "Twelve weeks, online in the evenings",
             ("bootcamp", "bootcamp_a"), 4),
            ("Why do I need a hybrid or remote job?", "To do school pick-up for my son at 3:15",
             ("pickup", "pickup_a"), 4),
            ("Which project is the strongest in my portfolio?", "The 2022 redesign of the magazine's booking app",
             ("portfolio", "portfolio_a"), 4),
            ("What was my salary at the magazine?", "48,000", ("salary", "salary_a"), 4),
            ("Who contacted the user about the role at Lumen?", "A recruiter called Priya, on LinkedIn",
             ("recruiter", "recruiter_a"), 4),
            ("When was my first interview with Lumen?", "Thursday, 27 June 2024", ("lumen1",), 2),
            ("When was my interview at the Greenway Trust?", "Tuesday, 2 July 2024", ("greenway",), 2),
            ("What was the take-home exercise about?", "Redesigning Greenway's volunteer sign-up flow",
             ("task", "task_a"), 4),
            ("Which organisation offered me a job, and on what terms?",
             "The Greenway Trust: 44,000 for four days a week, mostly remote", ("offer", "offer_a"), 4),
            ("How does my new salary compare with what I earned at the magazine?",
             "44,000 for four days a week against 48,000 full time", ("salary", "salary_a", "offer", "offer_a"), 1),
            ("Which company turned me down after the second round?", "Lumen", ("rejected", "rejected_a"), 4),
            ("When is the user's first day at the Greenway Trust?", "5 August 2024", ("offer", "start", "start_a"), 2),
            ("What is the recruiter's name, and what happened with that company in the end?",
             "Priya; Lumen rejected me after the second round", ("recruiter", "recruiter_a", "rejected", "rejected_a"), 1),
        ],
    ),
    Chat(
        "chat-05",
        [
            (
                "10:20 am on 13 April, 2024",
                [
                    ("house", ("We've just bought a house with a long, narrow back garden that's been neglected for "
                     "years. It's mostly brambles and a patchy lawn.")),
                    ("house_a", ("A neglected garden full of brambles is actually a good blank canvas, because nothing "
                     "precious is in your way. Resist the urge to plant straight away. Spend the first few weeks "
                     "clearing and watching: cut the brambles down, dig out the roots where you can, and note where "
                     "the sun falls at different times of day, where water collects after rain, and which areas you "
                     "actually walk through. A long, narrow garden often works best divided into two or three 'rooms', "
                     "for example a seating area near the house, a lawn or play space in the middle and a vegetable "
                     "area at the end, so it doesn't feel like a corridor.")),
                    ("soil", "The soil is heavy clay, and the garden faces north."),
                    ("soil_a", ("Heavy clay and a north-facing garden are a challenging combination, but both can be "
                     "worked with. Clay is actually rich in nutrients; the problem is drainage and how hard it gets "
                     "when dry. Dig in plenty of organic matter like compost or well-rotted manure every year, never "
                     "walk on it when it's wet, and consider raised beds for vegetables. In a north-facing garden, the "
                     "area nearest the house will be shadiest, while the far end may get more sun, especially in "
                     "summer. Put sun-loving crops at the far end, and choose shade-tolerant plants like ferns, "
                     "hostas and hellebores close to the house.")),
                    ("isla", "My daughter Isla is seven and desperate for a strawberry patch."),
                    ("isla_a", ("A strawberry patch is the perfect first project for a seven-year-old, and Isla will be "
                     "able to see the results within a few months. Strawberries prefer sun, so give them the sunniest "
                     "spot at the far end of the garden, ideally in a raised bed or large containers, which also helps "
                     "with your clay. Buy young plants rather than seeds, plant them about 30 cm apart, and put straw "
                     "or mats under the fruit to keep it clean. Give Isla her own watering can and let her be in "
                     "charge of picking.")),
                    ("dog", "Our dog, a young Labrador called Bramble, digs up everything."),
                    ("dog_a", ("A young Labrador who digs is a classic problem, and the name Bramble suits a garden dog "
                     "well. Digging usually comes from boredom or energy, so more exercise and chew toys help. Many "
                     "owners have success with a dedicated digging pit: a corner of sand or loose soil where you bury "
                     "toys and praise digging, while redirecting him from the beds. Protect new plants with low "
                     "fencing or raised beds, and avoid cocoa-shell mulch and slug pellets containing metaldehyde, "
                     "which are toxic to dogs.")),
                ],
            ),
            (
                "4:00 pm on 27 April, 2024",
                [
                    ("beds", "My partner built two raised beds last weekend from old scaffolding boards."),
                    ("beds_a", ("Scaffolding boards make excellent raised beds: they're thick, long-lasting and "
                     "usually free or cheap. To fill them without a huge bill, use the 'lasagne' method: cardboard on "
                     "the bottom to smother weeds, then layers of garden waste, grass clippings and old compost, "
                     "topped with 15 to 20 cm of good compost and topsoil mix. Because your clay drains badly, the "
                     "raised beds will give roots a better environment. Expect the level to sink a little over the "
                     "first season as it settles, and top up with compost each spring.")),
                    ("veg", ("In the first bed I want tomatoes, courgettes and beans. The second one is for Isla's "
                     "strawberries.")),
                    ("veg_a", ("That's a productive mix for the first bed. Tomatoes, courgettes and beans all like "
                     "warmth, so if the first bed is the sunnier of the two, that's ideal. One courgette plant takes a "
                     "square metre and produces a lot, so two plants are plenty for a family. Climbing beans can grow "
                     "up a wigwam of canes on the shady side, so they don't block the tomatoes. In the second bed, "
                     "Isla's strawberries will spread with runners, so give them the whole bed.")),
                    ("slugs", "Slugs have already eaten every lettuce seedling I planted."),
                    ("slugs_a", ("Slugs love clay soil and young lettuce, so you're not alone. Because you have a dog, "
                     "skip the traditional blue pellets. Dog-safe options include beer traps sunk into the soil, "
                     "copper tape around the raised beds, wool pellets, nematodes watered into the soil, and evening "
                     "patrols with a torch to pick them off. Raise seedlings in pots until they're bigger and "
                     "tougher before planting out, and keep the area around the beds free of long grass where slugs "
                     "hide during the day.")),
                    "Is it too late to sow carrots?",
                    ("Not at all. Carrots can be sown from April through to early July, and later sowings often suffer "
                    "less from carrot fly. On clay soil, carrots tend to grow short and forked, so sow them in a "
                    "raised bed, a deep container or a trough filled with sandy compost, and choose shorter or round "
                    "varieties. Sow thinly, keep the soil moist until they germinate, which can take two or three "
                    "weeks, and cover them with fine mesh to keep carrot fly away."),
                ],
            ),
            (
                "9:45 am on 18 May, 2024",
                [
                    ("tree", ("The neighbour's sycamore overhangs the bottom of our garden and blocks most of the "
                     "afternoon light.")),
                    ("tree_a", ("That's frustrating, especially as the bottom of the garden is your sunnier end. In the "
                     "UK, you're generally allowed to cut back branches that overhang your property up to the "
                     "boundary, as long as the tree isn't protected by a preservation order or in a conservation area, "
                     "which you can check with your council. It's good practice, and better for neighbourly "
                     "relations, to talk to your neighbour first. You should offer to return the cut branches, since "
                     "they technically belong to the tree's owner. A tree surgeon can thin the crown to let in more "
                     "light without harming the sycamore.")),
                    ("butt", "We installed a water butt on Thursday, connected to the shed gutter."),
                    ("butt_a", ("A water butt on the shed is a great addition and saves a lot of trips with the hose. "
                     "Rainwater is ideal for most plants, and it's especially good for plants that dislike tap water. "
                     "Raise the butt on a stand so a watering can fits under the tap, and fit a lid to keep out "
                     "leaves, mosquitoes and curious children. In summer, water in the morning or evening, and water "
                     "deeply a couple of times a week rather than a little every day, so roots grow down into the soil.")),
                    ("herbs", "I'd like a herb garden by the kitchen door. I cook a lot of Thai food."),
                    ("herbs_a", ("A kitchen-door herb garden for Thai cooking is a lovely idea. Thai basil, coriander, "
                     "mint and chillies all grow well in pots, which is handy because the area by your house is the "
                     "shadiest. Mint and coriander actually prefer partial shade, while Thai basil and chillies need "
                     "sun and warmth, so keep those in pots you can move or grow them on a sunny windowsill. "
                     "Lemongrass can be grown from supermarket stalks rooted in water and kept indoors in winter. Sow "
                     "coriander every few weeks, as it goes to seed quickly.")),
                ],
            ),
            (
                "7:15 pm on 8 June, 2024",
                [
                    ("tomato", ("The tomatoes have flowers! I'm growing two varieties: Sungold and Gardener's "
                     "Delight.")),
                    ("tomato_a", ("Sungold and Gardener's Delight are both reliable cherry tomatoes with great flavour, "
                     "and they're forgiving in cooler gardens. Now that they're flowering, start feeding them weekly "
                     "with a high-potash tomato feed. Pinch out the side shoots that grow between the main stem and "
                     "the leaves, tie the stems to canes as they grow, and water consistently, because irregular "
                     "watering causes split fruit. Gently shaking the plants or tapping the flowers on a still day "
                     "helps pollination.")),
                    ("blight", "My mother-in-law lost all her tomatoes to blight last year, so I'm paranoid."),
                    ("blight_a", ("Blight is very common in wet summers, so your caution makes sense after your "
                     "mother-in-law's experience. It's a fungus-like disease that spreads in warm, humid weather. To "
                     "reduce the risk: space plants well for airflow, water at the base rather than over the leaves, "
                     "remove the lower leaves as the plants grow, and check regularly for brown patches on leaves and "
                     "stems. If you see blight, remove affected leaves immediately and harvest any fruit, even green "
                     "ones, which can ripen indoors. Don't compost infected material.")),
                    ("pond", "We're also thinking about a small wildlife pond, but Isla can't swim yet."),
                    ("pond_a", ("A wildlife pond is wonderful for a garden, but with Isla not yet able to swim, safety "
                     "comes first. Even shallow water is a risk for young children. Options include waiting a few "
                     "years, building a very shallow 'bog garden' instead, or fitting a strong metal grid just below "
                     "the water surface, which lets plants and wildlife through but prevents a fall. A pond in a "
                     "large container with a grid over the top is another safe way to start.")),
                    "What flowers would bring bees in?",
                    ("Bees love simple, open flowers with easy access to nectar and pollen, and they're drawn to "
                    "purple, blue and yellow. Good choices for a garden like yours include lavender, catmint, "
                    "foxgloves, which tolerate shade, comfrey, borage, marjoram, cosmos, single dahlias, sedums for "
                    "late summer, and crocuses and hellebores for early spring. Aim to have something in flower from "
                    "March to October. Leave a corner of the lawn unmown for clover and dandelions, which are "
                    "excellent for bees, and avoid pesticides."),
                ],
            ),
            (
                "8:00 pm on 31 August, 2024",
                [
                    ("harvest", ("We picked our first ripe Sungolds yesterday, and Isla ate half of them straight off "
                     "the vine.")),
                    ("harvest_a", ("That's the best review a tomato can get. Sungolds are famous for being eaten before "
                     "they make it into the kitchen. Keep picking them as soon as they turn deep orange, because "
                     "regular picking encourages more fruit, and remove any leaves that are yellowing. From mid-"
                     "September, pinch out the growing tips so the plant puts its energy into ripening the remaining "
                     "fruit before the cold weather.")),
                    ("strawb", "Her strawberries were a bit disappointing though, only a handful."),
                    ("strawb_a", ("That's very normal for strawberries in their first year, so don't let Isla lose "
                     "heart. New plants often produce only a small crop while they establish; the second and third "
                     "years are usually much better. A north-facing garden and partial shade can also reduce the "
                     "yield. Feed them now, remove old leaves after fruiting, and pot up some runners to make new "
                     "plants. Next spring, tuck straw under the fruit and net them against birds.")),
                    "What should I plant for autumn and winter?",
                    ("There's plenty you can grow over the colder months. Garlic cloves and overwintering onion sets "
                    "can go in from October and are almost no work. Broad beans sown in November give an early crop. "
                    "Hardy salad leaves like lamb's lettuce, rocket and mizuna can be sown now, as can winter spinach "
                    "and chard. Spring cabbages, kale and purple sprouting broccoli are good if you can get small "
                    "plants. Plant spring bulbs like daffodils and tulips for colour, and sow a green manure in any "
                    "empty bed to protect and improve your clay over the winter."),
                ],
            ),
        ],
        [
            ("What was the back garden like when the user bought the house?",
             "Long and narrow, neglected, mostly brambles and a patchy lawn", ("house", "house_a"), 4),
            ("What kind of soil do I have, and which way does the garden face?", "Heavy clay, facing north",
             ("soil", "soil_a"), 4),
            ("How old is my daughter, and what does she want to grow?", "Isla is seven and wants a strawberry patch",
             ("isla", "isla_a"), 4),
            ("What is my dog's name and breed?", "Bramble, a young Labrador", ("dog", "dog_a"), 4),
            ("When were the raised beds built?", "The weekend before 27 April 2024 (20-21 April)", ("beds",), 2),
            ("What were my raised beds made from?", "Old scaffolding boards", ("beds", "beds_a"), 4),
            ("What is growing in the user's first raised bed?", "Tomatoes, courgettes and beans", ("veg", "veg_a"), 4),
            ("What ate my lettuce seedlings?", "Slugs", ("slugs", "slugs_a"), 4),
            ("Whose tree blocks the light at the bottom of my garden?", "The neighbour's sycamore",
             ("tree", "tree_a"), 4),
            ("When did we put in the water butt?", "Thursday, 16 May 2024", ("butt",), 2),
            ("What kind of food do I cook a lot?", "Thai food", ("herbs", "herbs_a"), 4),
            ("Which tomato varieties am I growing?", "Sungold and Gardener's Delight", ("tomato", "tomato_a"), 4),
            ("Why is the user worried about blight?",
             "Their mother-in-law lost all her tomatoes to blight last year", ("blight", "blight_a"), 4),
            ("When did we pick the first ripe tomatoes?", "30 August 2024", ("harvest",), 2),
            ("How did the crop my daughter asked for turn out?",
             "Isla's strawberries were disappointing: only a handful", ("isla", "isla_a", "strawb", "strawb_a"), 1),
            ("Why are we hesitant about a pond, and how old is the child concerned?",
             "Isla, who is seven, can't swim yet", ("isla", "isla_a", "pond", "pond_a"), 1),
        ],
    ),
    Chat(
        "chat-06",
        [
            (
                "6:00 pm on 15 September, 2024",
                [
                    ("why", ("I've decided to learn Spanish properly. My girlfriend Sofía is from Argentina and her "
                     "family barely speaks English.")),
                    ("why_a", ("That's one of the best reasons to learn a language, because you'll have real people to "
                     "talk to and a strong reason to keep going. Since Sofía is Argentinian, it's worth learning "
                     "Rioplatense Spanish from the start, the variety spoken in Buenos Aires and around the River "
                     "Plate. It uses 'vos' instead of 'tú', with its own verb forms like 'vos tenés' and 'vos sos', "
                     "and has a distinctive 'sh' sound for 'll' and 'y'. The grammar is otherwise the same as other "
                     "Spanish, so nothing you learn is wasted. Ask Sofía to speak Spanish with you for ten minutes a "
                     "day, even if it feels awkward at first.")),
                    ("trip", "We're flying to Buenos Aires for Christmas to meet her parents for the first time."),
                    ("trip_a", ("Meeting her parents in Buenos Aires at Christmas is a wonderful goal to work towards, "
                     "and it gives you about three months. Realistically, in that time you can reach a level where "
                     "you can introduce yourself, follow slow conversations on familiar topics, ask questions and "
                     "make small talk over dinner. Focus on what you'll actually need: greetings, talking about your "
                     "family, work and hobbies, food and compliments, and phrases for when you don't understand. "
                     "Families are usually delighted when a partner makes an effort, even with mistakes.")),
                    ("school", ("I did two years of Spanish at school, twenty years ago, so I remember basically "
                     "'hola' and 'cerveza'.")),
                    ("school_a", ("That makes you a 'false beginner', which is a good place to be. Even if you can't "
                     "recall much, two years of school Spanish leaves traces: the sounds, some grammar patterns and "
                     "common words will come back faster than they did the first time. Start with a structured "
                     "beginner course anyway, but move quickly through anything that feels familiar. Spend extra time "
                     "on listening, because school courses rarely prepare you for natural speed, and on speaking out "
                     "loud from the very first week.")),
                    ("commute", "I commute 40 minutes each way on the train, so I could study then."),
                    ("commute_a", ("Eighty minutes a day on the train is a lot of study time if you use it well. A "
                     "good split: on the morning journey, do new material, such as a lesson from a course or an app, "
                     "when your head is fresh; on the way home, listen to a podcast for learners, like one made for "
                     "Argentinian Spanish, or review flashcards with spaced repetition. Shadowing, which means "
                     "repeating sentences quietly along with a recording, works surprisingly well on a train. Keep a "
                     "note on your phone of words you want to say but don't know yet.")),
                ],
            ),
            (
                "8:20 pm on 6 October, 2024",
                [
                    ("tutor", ("I found an online tutor, Martín, who's from Córdoba. We have lessons on Tuesday and "
                     "Friday evenings.")),
                    ("tutor_a", ("A tutor from Córdoba is a great match, since he'll speak Argentinian Spanish and can "
                     "explain the differences you'll hear at Christmas. Two lessons a week, on Tuesdays and Fridays, "
                     "is an ideal rhythm. Make the most of each lesson by spending most of it speaking rather than "
                     "doing grammar exercises you could do alone. Bring a list of situations you want to practise, "
                     "such as meeting Sofía's parents, and ask Martín to correct your most common mistakes rather "
                     "than every single one.")),
                    ("streak", ("My Duolingo streak is at 45 days, but I feel like it's not teaching me to actually "
                     "talk.")),
                    ("streak_a", ("A 45-day streak shows real consistency, so keep it as a daily habit, but you're "
                     "right about its limits. Apps are good for vocabulary and basic patterns, but they don't give "
                     "you practice in producing sentences under time pressure, which is what conversation demands. "
                     "Combine it with things that make you speak: your lessons with Martín, talking to yourself about "
                     "your day in Spanish, voice messages to Sofía, or a language exchange with a native speaker.")),
                    ("valencia", ("Funny thing: I went to Valencia last year for a friend's stag do and couldn't even "
                     "order a coffee.")),
                    ("valencia_a", ("Valencia is a good example of how Spanish varies. In Spain, you'd hear 'vosotros' "
                     "for 'you all' and the 'th' sound in words like 'cerveza', while in Argentina it's 'ustedes' and "
                     "an 's' sound. Ordering coffee is different too: in Spain you might ask for 'un cortado', while "
                     "in Buenos Aires you'd more likely order 'un café con leche' with 'medialunas', the local "
                     "croissants. The good news is that speakers from both places understand each other perfectly, "
                     "so whatever you learn will work in both.")),
                ],
            ),
            (
                "7:30 am on 27 October, 2024",
                [
                    ("oops", ("I tried speaking with Sofía's sister on a video call yesterday and accidentally said I "
                     "was 'embarazada' when I meant embarrassed.")),
                    ("oops_a", ("Congratulations, you've made the most famous mistake in Spanish! 'Embarazada' means "
                     "pregnant, and almost every English speaker says it at some point. 'Embarrassed' is 'me da "
                     "vergüenza' or 'estoy avergonzado'. The important thing is that you spoke on a real video call, "
                     "and mistakes like this are exactly how words stick. You will never forget that one. Laughing "
                     "at yourself with her family is a great way to build a relationship.")),
                    ("lucia", "Her sister Lucía is a vet in Mendoza, so we talked about her dogs."),
                    ("lucia_a", ("Talking about pets is a perfect topic, and with Lucía working as a vet in Mendoza "
                     "you'll probably hear a lot of animal vocabulary. Some useful words: 'el perro', the dog; 'la "
                     "perra', a female dog; 'el gato', the cat; 'la veterinaria', both the vet and the clinic; 'la "
                     "raza', breed; 'pasear al perro', to walk the dog. In Argentina you'll also hear 'perrito' and "
                     "'gatito' everywhere, because the diminutive '-ito' is used affectionately.")),
                    "How do I stop translating everything in my head?",
                    ("Everyone translates at first, and it fades with exposure rather than effort. A few things help "
                    "speed it up: learn words in whole phrases rather than single words; describe things you see "
                    "around you in simple Spanish without looking anything up; listen to a lot of content slightly "
                    "below your level, so you can follow without translating; and when you don't know a word, talk "
                    "around it instead of reaching for English. Thinking in short, simple sentences is fine. "
                    "Fluency grows from simple sentences said quickly, not from complex ones assembled slowly."),
                    ("dele", "Martín thinks I should take the DELE A2 exam in May to give myself a goal."),
                    ("dele_a", ("The DELE A2 is a good target for May. It's the official Spanish-language certificate "
                     "from the Instituto Cervantes, recognised everywhere, and A2 means you can handle everyday "
                     "situations. It has reading, writing, listening and speaking parts, so it will also push you "
                     "to practise skills you might otherwise skip. Check the exam dates and registration deadlines "
                     "soon, as they fill up, and ask Martín to include some past papers in your lessons from January.")),
                ],
            ),
            (
                "9:10 pm on 17 November, 2024",
                [
                    ("dad", ("What should I bring her parents as a gift? Her dad is really into football and supports "
                     "Boca Juniors.")),
                    ("dad_a", ("With her dad being a Boca Juniors fan, football is your easiest way into his heart, "
                     "but be careful: a Boca shirt from a stranger can feel a bit too much, and you don't want to pick "
                     "the wrong design. Something from home works better: a scarf or a book from your local club, or a "
                     "good bottle of whisky, which is popular in Argentina and expensive there. Learn a few football "
                     "phrases like '¿Viste el partido?', did you see the match, and be ready to hear about the rivalry "
                     "with River Plate.")),
                    ("mum", "Her mum is a retired literature teacher who loves Borges."),
                    ("mum_a", ("A retired literature teacher who loves Borges would appreciate something thoughtful "
                     "and literary. A beautiful English edition of a book she might not have, a book by a British "
                     "writer Borges admired, like Stevenson or Chesterton, or a handwritten card in Spanish with a "
                     "short quote from Borges would all be lovely. You could even learn to say a line from one of his "
                     "poems, which would probably make her day.")),
                    ("toast", "Sofía says I'll have to give a short speech at Christmas dinner. Help!"),
                    ("A short, simple toast is perfect, and nobody expects you to be eloquent. Something like: "
                    "'Muchas gracias por recibirme en su casa. Estoy muy feliz de estar aquí con ustedes. Sofía me "
                    "habló mucho de ustedes y ahora entiendo por qué es tan especial. ¡Feliz Navidad y salud!' That "
                    "means: Thank you for welcoming me into your home. I'm very happy to be here with you. Sofía told "
                    "me a lot about you and now I understand why she is so special. Merry Christmas and cheers! "
                    "Practise it with Martín until you can say it without reading it."),
                    ("flights", "We booked our flights this morning, leaving London on the 20th of December."),
                    ("flights_a", ("Great, leaving on 20 December gives you a few days to get over the jet lag before "
                     "Christmas Eve, which is the main celebration in Argentina, with dinner late at night and "
                     "fireworks at midnight. Remember it will be summer, often over 30 degrees, so pack accordingly. "
                     "It's also a good idea to download an offline map and learn the phrases for the taxi and the "
                     "airport.")),
                ],
            ),
        ],
        [
            ("Why is the user learning Spanish?",
             "Their girlfriend Sofía is Argentinian and her family barely speaks English", ("why", "why_a"), 4),
            ("Where are we going for Christmas, and why?", "Buenos Aires, to meet Sofía's parents for the first time",
             ("trip", "trip_a"), 4),
            ("How much Spanish did I study before?", "Two years at school, twenty years ago",
             ("school", "school_a"), 4),
            ("How long is my commute?", "40 minutes each way on the train", ("commute", "commute_a"), 4),
            ("Who is my Spanish tutor, and where is he from?", "Martín, from Córdoba", ("tutor", "tutor_a"), 4),
            ("On which evenings do I have lessons?", "Tuesdays and Fridays", ("tutor", "tutor_a"), 4),
            ("How long was my Duolingo streak in October?", "45 days", ("streak", "streak_a"), 4),
            ("Which Spanish city did I visit last year, and why?", "Valencia, for a friend's stag do",
             ("valencia", "valencia_a"), 4),
            ("When did I accidentally say I was pregnant in Spanish?", ("26 October 2024, on a video call with "
             "Sofía's sister"), ("oops", "oops_a"), 2),
            ("What does my girlfriend's sister do, and where?", "Lucía is a vet in Mendoza", ("lucia", "lucia_a"), 4),
            ("Which exam does my tutor want me to take?", "The DELE A2, in May", ("dele", "dele_a"), 4),
            ("Which football club does my girlfriend's father support?", "Boca Juniors", ("dad", "dad_a"), 4),
            ("What did Sofía's mother do before she retired?", "She was a literature teacher", ("mum", "mum_a"), 4),
            ("When did we book our flights to Buenos Aires?", "17 November 2024", ("flights",), 2),
            ("What do my girlfriend's sister and mother do, or did they do, for work?",
             "Lucía is a vet; their mother is a retired literature teacher", ("lucia", "lucia_a", "mum", "mum_a"), 1),
            ("When will the user meet Sofía's parents, and when does the flight leave?",
             "At Christmas in Buenos Aires; the flight leaves London on 20 December 2024", ("trip", "trip_a", "flights", "flights_a"), 1),
        ],
    ),
    Chat(
        "chat-07",
        [
            (
                "1:30 pm on 7 January, 2024",
                [
                    ("engaged", ("My fiancé Tom proposed on New Year's Eve, and we want to get married this August. "
                     "Is that crazy?")),
                    ("engaged_a", ("Congratulations to you and Tom! It's not crazy at all. Seven or eight months is "
                     "shorter than the traditional year or more, but plenty of couples plan lovely weddings in that "
                     "time. The main constraint is venue availability, because popular August Saturdays book up early, "
                     "so that's the first thing to secure. Being flexible helps a lot: a Friday or Sunday, or a less "
                     "famous venue, can open up options and save money. Once the venue and date are fixed, book the "
                     "photographer, the caterer if the venue doesn't provide one, and the registrar or celebrant, then "
                     "send save-the-dates.")),
                    ("guests", "We want it small, about 60 guests, and our budget is 15,000 pounds."),
                    ("guests_a", ("Sixty guests and 15,000 pounds is a workable combination, roughly 250 pounds per "
                     "guest, if you prioritise. A typical split: around 40 to 50 percent on venue and food, 10 to 15 "
                     "percent on photography, 10 percent on clothes and rings, 5 to 10 percent on music, and the rest "
                     "on flowers, stationery, cake, transport and a contingency of about 10 percent. Decide together "
                     "on your top three priorities and spend there, and be ready to trim the things guests won't "
                     "remember. Keep a shared spreadsheet with every quote and payment date.")),
                    ("cotswolds", "I'd love a barn venue in the Cotswolds, because that's where Tom grew up."),
                    ("cotswolds_a", ("A Cotswolds barn is a beautiful choice, and there's something lovely about "
                     "marrying near where Tom grew up; his family may also know local suppliers. Barns vary a lot, "
                     "though. Some are 'dry hire', meaning you bring in caterers, furniture, toilets and lighting, "
                     "which can add up, while others include everything. Ask each venue what's included, the "
                     "capacity for a seated meal, the curfew, the wet-weather plan, and whether they have a licence "
                     "for ceremonies or whether you'd need a separate civil ceremony.")),
                    ("mum", "My mum uses a wheelchair, so access matters a lot."),
                    ("mum_a", ("That's really important, and worth checking in person rather than trusting a website. "
                     "For your mum, look for step-free access from the car park to the ceremony space, the dining "
                     "area and the toilets, an accessible toilet, a firm path rather than gravel or grass, and room "
                     "between tables. Think about where she'll sit during the ceremony so she has a good view and "
                     "isn't tucked at the end of a row. Many old barns have been adapted well, but some have steps "
                     "or uneven floors, so visit with her if you can.")),
                ],
            ),
            (
                "8:45 pm on 11 February, 2024",
                [
                    ("venue", ("We booked the venue! Hartwell Barn near Stow-on-the-Wold, for Saturday the 17th of "
                     "August.")),
                    ("venue_a", ("Brilliant news, and booking Hartwell Barn for 17 August means the biggest decision is "
                     "done. Now you can book the suppliers who depend on the date: the photographer, the celebrant or "
                     "registrar, the caterer, the music and the florist, roughly in that order. Ask the venue for a "
                     "list of recommended suppliers who know the space. Send save-the-dates soon, especially to "
                     "guests travelling from abroad, and set up a simple wedding website with the date, the venue, "
                     "accommodation nearby and travel tips.")),
                    ("elmwood", "We almost went for Elmwood Farm instead, but it had steps everywhere."),
                    ("elmwood_a", ("You made the right call. A venue with steps everywhere at Elmwood Farm would have "
                     "made the day harder for your mum, and temporary ramps don't always solve it. It's easy to fall "
                     "for a pretty venue and overlook access, so it's great you put her first. Make sure Hartwell's "
                     "team knows about her needs too, so they can plan the layout and seating with her in mind.")),
                    ("diet", "Tom's brother is coeliac, and about ten of the guests are vegetarian."),
                    ("diet_a", ("Share those needs with your caterer early. For Tom's brother, coeliac disease means "
                     "strict gluten-free food with no cross-contamination, so ask the caterer how they handle that in "
                     "the kitchen, not just which dishes are gluten-free. For the ten or so vegetarians, ask for a main "
                     "that's genuinely good rather than an afterthought; many couples choose a vegetarian starter "
                     "for everyone. Collect dietary needs on the RSVP and give the caterer a final list with names "
                     "and table numbers.")),
                    "Should we do a sit-down meal or a buffet?",
                    ("Both can work, so it depends on the atmosphere you want. A sit-down meal feels more formal, keeps "
                    "everyone together for speeches, and makes dietary requirements easier to manage, because each "
                    "plate goes to a named guest. A buffet or sharing platters feel more relaxed and sociable, but "
                    "queues can form and portions are harder to control. Family-style sharing platters are a popular "
                    "middle ground, where dishes are placed on each table. Ask your caterer about the cost difference, "
                    "because buffets aren't always cheaper once you add more food to be safe."),
                ],
            ),
            (
                "5:10 pm on 14 April, 2024",
                [
                    ("dress", ("I found my dress yesterday! It's an ivory slip dress with a lace back, from a little "
                     "shop in Bath.")),
                    ("dress_a", ("How exciting, an ivory slip dress with a lace back sounds elegant and perfect for a "
                     "summer barn wedding. Ask the shop in Bath about the alteration schedule now: most dresses need "
                     "two or three fittings, with the final one about two weeks before the wedding. Bring the shoes "
                     "and underwear you'll wear on the day to every fitting, because they change the hem and the fit. "
                     "Silky fabrics show creases, so ask how best to steam it on the morning.")),
                    ("jumpsuit", ("I'm also getting a second outfit for the evening, a jumpsuit, because I want to "
                     "dance.")),
                    ("jumpsuit_a", ("A jumpsuit for the evening is a great idea, and very practical if the dancing will "
                     "be energetic. Choose a fabric that breathes, since barns get warm on August nights, and "
                     "comfortable shoes to go with it. Plan when you'll change, usually after the meal and before the "
                     "first dance or the evening guests arrive, and ask a bridesmaid to help and to look after the "
                     "dress.")),
                    ("anika", "My best friend Anika is my maid of honour. She's flying in from Singapore."),
                    ("anika_a", ("Having Anika as your maid of honour is lovely, and it's worth planning around her "
                     "long journey from Singapore. Help her book flights early and arrive a few days before the "
                     "wedding, so she can get over the jet lag and join the last-minute preparations. Since she's far "
                     "away, share your planning documents online and include her in video calls for dress fittings. "
                     "Give her clear tasks for the day itself, like keeping the timeline on track.")),
                    ("music", ("Tom wants a ceilidh band for the evening and I wanted a DJ. We compromised: ceilidh "
                     "first, then a DJ.")),
                    ("music_a", ("That's a great compromise and very popular. A ceilidh gets everyone on the dance floor, "
                     "from grandparents to children, because a caller explains each dance, and then the DJ can keep "
                     "the party going later. Book the ceilidh band for about two hours straight after the first dance, "
                     "and the DJ from around ten. Check the venue's rules on sound limits and curfew, and make sure "
                     "there's space and power for both.")),
                ],
            ),
            (
                "10:30 am on 19 May, 2024",
                [
                    ("honeymoon", ("We've booked the honeymoon: ten days in the Azores, leaving the Monday after the "
                     "wedding.")),
                    ("honeymoon_a", ("Ten days in the Azores sounds wonderful, with volcanic lakes, hot springs, whale "
                     "watching and hiking. Leaving on the Monday gives you a day to recover after the wedding, which "
                     "is wise. Pack layers and a waterproof jacket, because the weather changes quickly there, and "
                     "consider splitting your time between two islands, such as São Miguel and Pico. Book whale "
                     "watching and any car hire in advance, as August is busy.")),
                    ("invites", "We sent out the invitations last week, and 52 people have already said yes."),
                    ("invites_a", ("Fifty-two yeses already is a fantastic response, so you're well on your way to your "
                     "guest count. Set a firm RSVP deadline, usually six to eight weeks before the wedding, and chase "
                     "the stragglers after that. Track replies and dietary requirements in one spreadsheet. Once most "
                     "replies are in, you can start the seating plan, which always takes longer than expected.")),
                    ("vows", "We're writing our own vows, and I'm terrified of crying all the way through mine."),
                    ("Lots of people cry during their vows, and guests find it moving rather than awkward. Still, a few "
                    "things help you get through them. Keep the vows short, around one to two minutes. Read them out "
                    "loud many times before the day, including in front of a friend, so the words lose some of their "
                    "emotional surprise. Print them on a card in large type. Take a slow breath before you start and "
                    "pause whenever you need to. Have tissues nearby, and remember that nobody there wants anything "
                    "except for you to be happy."),
                    "Any tips for the week before the wedding?",
                    ("Try to finish all the decisions a week before, so the last days are about confirming, not "
                    "creating. Send a final timeline with contact numbers to your suppliers, the venue and the key "
                    "people in the wedding party. Make a list of who is bringing what and when. Pack an emergency kit "
                    "with safety pins, plasters, painkillers and a phone charger. Get the outfits pressed and ready. "
                    "Plan something relaxing and unrelated to the wedding, eat properly, drink water and go to bed "
                    "early. And spend some time with your partner that isn't about logistics."),
                ],
            ),
        ],
        [
            ("Who proposed to me, and when?", "Tom, on New Year's Eve", ("engaged", "engaged_a"), 4),
            ("How many guests are we planning for, and what is the budget?", "About 60 guests and 15,000 pounds",
             ("guests", "guests_a"), 4),
            ("Why does the user want a venue in the Cotswolds?", "Her fiancé Tom grew up there",
             ("cotswolds", "cotswolds_a"), 4),
            ("Why does step-free access matter for my wedding?", "My mum uses a wheelchair", ("mum", "mum_a"), 4),
            ("Which venue did we book?", "Hartwell Barn near Stow-on-the-Wold", ("venue", "venue_a"), 4),
            ("When is the user's wedding?", "Saturday, 17 August 2024", ("venue", "venue_a"), 2),
            ("Why didn't we choose Elmwood Farm?", "It had steps everywhere", ("elmwood", "elmwood_a"), 4),
            ("Which guest needs gluten-free food?", "Tom's brother, who is coeliac", ("diet", "diet_a"), 4),
            ("When did I find my wedding dress?", "13 April 2024", ("dress",), 2),
            ("Where did I buy my wedding dress, and what is it like?",
             "A small shop in Bath; an ivory slip dress with a lace back", ("dress", "dress_a"), 4),
            ("What will I wear in the evening, and why?", "A jumpsuit, to dance in", ("jumpsuit", "jumpsuit_a"), 4),
            ("Who is my maid of honour, and where is she flying in from?", "Anika, from Singapore",
             ("anika", "anika_a"), 4),
            ("What music have we planned for the evening?", "A ceilidh band first, then a DJ", ("music", "music_a"), 4),
            ("Where are we going on honeymoon?", "Ten days in the Azores", ("honeymoon", "honeymoon_a"), 4),
            ("When do we leave for our honeymoon?", "Monday, 19 August 2024, the Monday after the wedding",
             ("venue", "venue_a", "honeymoon", "honeymoon_a"), 2),
            ("When did we send out the wedding invitations?", "The week before 19 May 2024", ("invites",), 2),
            ("How many guests had accepted by May, out of how many we planned to invite?",
             "52 of about 60", ("guests", "guests_a", "invites", "invites_a"), 1),
        ],
    ),
    Chat(
        "chat-08",
        [
            (
                "12:40 pm on 8 September, 2024",
                [
                    ("mot", ("My 2009 Honda Civic failed its MOT on Friday, and the garage says the repairs would "
                     "cost more than it's worth.")),
                    ("mot_a", ("Sorry to hear it. A 2009 Civic has probably served you well, and it's common for the "
                     "repair bill on a fifteen-year-old car to exceed its value. Before you write it off, ask the "
                     "garage for an itemised list of the failures, because some may be minor, and consider a second "
                     "opinion. If it really isn't worth fixing, you can still sell it to a scrap dealer or to someone "
                     "who wants it for parts, which usually gives you a few hundred pounds. Remember you can't drive "
                     "it on public roads with a failed MOT unless you're taking it to a pre-booked test or a repair.")),
                    ("commute", ("I need something reliable. I drive 35 miles each way to work in Swindon, mostly "
                     "motorway.")),
                    ("commute_a", ("Seventy miles a day, mostly motorway, is about 16,000 miles a year, which shapes "
                     "the choice. For long motorway runs, a diesel or a full hybrid makes sense: diesels are very "
                     "efficient at steady speeds, while hybrids like Toyota's do well in mixed driving and are "
                     "famously reliable. Comfort matters more than usual with that much driving, so pay attention to "
                     "seat support, road noise and adaptive cruise control. Factor in fuel costs: at your mileage, "
                     "the difference between 45 and 60 miles per gallon is several hundred pounds a year.")),
                    ("otto", "We've got two kids in car seats and a big dog, a Bernese mountain dog called Otto."),
                    ("otto_a", ("With two car seats and a Bernese mountain dog, space is going to drive the decision. "
                     "Otto will need a big, flat boot with a low loading lip, and ideally a dog guard or a crate, which "
                     "is the safest way for a large dog to travel. That points strongly towards an estate or a large "
                     "SUV. Check the rear seats for ISOFIX points and how easily the car seats fit, and whether "
                     "there's room for a third passenger between them. Bring the car seats, and measure Otto's crate, "
                     "before any test drive.")),
                    ("budget", "My budget is around 14,000 pounds, and I'd rather not take out finance."),
                    ("budget_a", ("Paying cash with a 14,000 pound budget gives you good choices in the used market, "
                     "typically a three- to six-year-old family car with moderate mileage. Keep back a few hundred "
                     "pounds for the first service, new tyres if needed, and insurance. Buying from a dealer costs a "
                     "little more than a private sale, but gives you some legal protection and often a warranty. "
                     "Always check the full service history and run a history check for outstanding finance and "
                     "accident damage.")),
                ],
            ),
            (
                "7:00 pm on 29 September, 2024",
                [
                    ("shortlist", ("I've narrowed it down to a Skoda Octavia estate or a Toyota Corolla Touring Sports "
                     "hybrid.")),
                    ("shortlist_a", ("Both are excellent choices for your situation, and they're very different cars. "
                     "The Skoda Octavia estate has one of the biggest boots in its class, a comfortable motorway ride "
                     "and efficient diesel engines, and it's good value used. The Toyota Corolla Touring Sports "
                     "hybrid is quieter in traffic, very reliable, and often cheaper to run, but its boot is noticeably "
                     "smaller than the Octavia's. Test drive both on the same day if you can, on a route that includes "
                     "a stretch of motorway, and bring Otto's crate and the car seats.")),
                    ("drive1", ("I test drove the Octavia yesterday. Loads of space, Otto fit easily in the boot, but "
                     "the ride felt a bit harsh.")),
                    ("drive1_a", ("That's useful feedback. A firm ride in an Octavia is often down to larger wheels or "
                     "a sportier trim. The same car on smaller wheels with taller tyres usually feels much softer, so "
                     "look for an SE or SE L trim with 16- or 17-inch wheels. Tyre pressures can make a difference too. "
                     "The fact that Otto fits easily is a big point in its favour, because space is hard to fix later, "
                     "while ride comfort can be improved with the right wheels.")),
                    ("ana", "My wife Ana is worried that the Corolla's boot is smaller."),
                    ("ana_a", ("Ana's concern is well founded. The Corolla Touring Sports' boot is smaller than the "
                     "Octavia's, partly because of the hybrid battery. On paper it's still a decent size, but with a "
                     "large dog crate, a buggy and shopping, every centimetre counts. The only real test is to take the "
                     "crate to the dealer and try it, with the parcel shelf in and out.")),
                    "What should I check on a used car before buying it?",
                    ("Start with the paperwork: make sure the V5C logbook matches the seller and the car, check the "
                    "MOT history online, which shows past failures and mileage, and run a history check for finance "
                    "and accident damage. Look at the service history for regular services, and for a cambelt change "
                    "if the engine has one. On the car itself, check the tyres for even wear, look along the body "
                    "for mismatched paint, start it from cold and listen for rattles, test every electric feature and "
                    "the air conditioning, and look for warning lights. On the test drive, check the brakes, gear "
                    "changes and steering."),
                ],
            ),
            (
                "11:15 am on 20 October, 2024",
                [
                    ("drive2", ("Drove the Corolla on Wednesday. So quiet, and the economy display showed 62 mpg on the "
                     "motorway.")),
                    ("drive2_a", ("62 mpg on the motorway is excellent and would save you a fair amount over a year at "
                     "your mileage. Hybrids are usually at their best in town and mixed driving, so matching that on "
                     "the motorway is impressive. The quietness is typical of Toyota's hybrids, especially at low "
                     "speeds. The question is whether the running-cost savings outweigh the smaller boot for your "
                     "family.")),
                    ("crate", "But Otto's crate didn't fit in the Corolla's boot. That's a deal breaker for Ana."),
                    ("crate_a", ("That settles it, then. If Otto's crate doesn't fit, the Corolla isn't practical for "
                     "your family, however good its fuel economy. Safety matters here too: a large dog loose in the "
                     "back of a car is a risk to everyone in a crash. The Octavia estate it is, and you can look for "
                     "a trim with smaller wheels to soften the ride.")),
                    ("found", "I found a 2020 Octavia estate with 41,000 miles at a dealer in Reading for 13,500."),
                    ("found_a", ("A 2020 Octavia estate with 41,000 miles for 13,500 sounds like a fair price and fits "
                     "your budget, leaving some room for extras. Before committing, ask the Reading dealer for the "
                     "full service history, check the MOT history online, ask what warranty they offer and whether it "
                     "includes the gearbox, and check the wheel size and trim. Ask if they'll include a fresh service "
                     "or new tyres in the price, which can be easier to negotiate than a cash discount.")),
                    ("electric", ("My brother keeps telling me to go electric, but I can't charge at home: we live in a "
                     "terraced house with no driveway.")),
                    ("electric_a", ("That's the most common reason people hold off on electric cars, and it's a fair "
                     "one. Without a driveway, you'd rely on public chargers, which cost more per mile than charging "
                     "at home and can be less convenient, especially with a long daily commute and a family. Some "
                     "councils are installing street chargers, and some workplaces offer charging, so it's worth "
                     "checking in Swindon. For now, a petrol or diesel estate is a very sensible choice.")),
                ],
            ),
            (
                "6:20 pm on 10 November, 2024",
                [
                    ("bought", "We bought the Octavia! We picked it up on Friday, after a 200 pound discount."),
                    ("bought_a", ("Congratulations on the new car! Getting 200 pounds off a dealer price is a good "
                     "result. In the first few weeks, read the manual for the service intervals and features, set up "
                     "the seats and mirrors for both drivers, and fit the dog guard or crate properly. Check the tyre "
                     "pressures when the tyres are cold, and keep the paperwork and the warranty details together.")),
                    ("scrap", "I sold the Civic for scrap for 250 pounds."),
                    ("scrap_a", ("250 pounds for a car that failed its MOT is a reasonable outcome. Make sure the scrap "
                     "dealer gives you a certificate of destruction, and tell the DVLA that you no longer own the car, "
                     "so you're not liable for anything afterwards. You should also get a refund for any full months "
                     "left on the car tax, and cancel the old insurance.")),
                    ("insurance", "Insurance went up to 620 a year because it's a bigger car."),
                    ("An increase is normal when you move to a larger car. To bring it down at renewal, compare prices "
                    "on several comparison sites and also check insurers that don't appear on them, try different "
                    "excess levels, add your wife as a named driver, which can lower the price if she has a good "
                    "record, and make sure the annual mileage is accurate. Paying annually instead of monthly avoids "
                    "interest. A dashcam can also help with disputed claims."),
                    "Any tips for keeping a used car in good shape?",
                    ("Follow the service schedule, because regular oil changes and filters matter far more than "
                    "anything else. Check the oil, coolant and screenwash levels once a month, and the tyre pressures "
                    "and tread too. Don't ignore new noises or warning lights. Wash the car regularly in winter to "
                    "get road salt off the underside. Clean the dog hair out of the boot often, since it clogs the "
                    "cabin air filter. Keep a folder of receipts and services, which will help when you sell it. "
                    "And drive smoothly: gentle acceleration and braking save fuel, brakes and tyres."),
                ],
            ),
        ],
        [
            ("When did my old car fail its MOT?", "Friday, 6 September 2024", ("mot",), 2),
            ("What car did the user have before?", "A 2009 Honda Civic", ("mot", "mot_a"), 4),
            ("How far do I drive to work, and where?", "35 miles each way to Swindon, mostly motorway",
             ("commute", "commute_a"), 4),
            ("What is our dog called, and what breed is he?", "Otto, a Bernese mountain dog", ("otto", "otto_a"), 4),
            ("What was my budget for the car?", "Around 14,000 pounds, without finance", ("budget", "budget_a"), 4),
            ("Which two cars did I shortlist?", "A Skoda Octavia estate and a Toyota Corolla Touring Sports hybrid",
             ("shortlist", "shortlist_a"), 4),
            ("When did I test drive the Octavia?", "28 September 2024", ("drive1",), 2),
            ("Who was worried about the Corolla's boot?", "The user's wife, Ana", ("ana", "ana_a"), 4),
            ("What fuel economy did the Corolla show on my test drive?", "62 mpg on the motorway",
             ("drive2", "drive2_a"), 4),
            ("When did I test drive the Corolla?", "Wednesday, 16 October 2024", ("drive2",), 2),
            ("Where did I find the Octavia, and what were its age and mileage?",
             "At a dealer in Reading: a 2020 car with 41,000 miles", ("found", "found_a"), 4),
            ("Why can't the user charge an electric car at home?", "They live in a terraced house with no driveway",
             ("electric", "electric_a"), 4),
            ("When did we collect the new car?", "Friday, 8 November 2024", ("bought",), 2),
            ("How much did I pay for the Octavia in the end?", "13,300 pounds (13,500 less a 200 pound discount)",
             ("found", "found_a", "bought", "bought_a"), 1),
            ("How much did I get for my old Honda?", "250 pounds, for scrap", ("scrap", "scrap_a"), 4),
            ("Why did the boot size rule out the Corolla for my family?",
             "The crate of Otto, their Bernese mountain dog, didn't fit", ("otto", "otto_a", "crate", "crate_a"), 1),
            ("How did the two test drives compare?",
             "The Octavia had lots of space but a harsh ride; the Corolla was quiet and economical",
             ("drive1", "drive1_a", "drive2", "drive2_a"), 1),
        ],
    ),
]


# --------------------------------------------------------------------------- chats, held-out split

CHATS_HOLDOUT: list[Chat] = [
    Chat(
        "chat-h01",
        [
            (
                "10:05 am on 5 March, 2023",
                [
                    ("camera", ("I bought a second-hand Fujifilm X-T30 last week and I want to learn to shoot in manual "
                     "mode.")),
                    ("camera_a", ("A second-hand X-T30 is a great camera to learn on, and Fujifilm's physical dials make "
                     "manual mode much more intuitive than menus do. Everything in manual comes down to three settings "
                     "that balance each other. Shutter speed controls how long light hits the sensor and whether "
                     "movement is frozen or blurred. Aperture, the f-number, controls how much light comes through the "
                     "lens and how much of the scene is in focus. ISO controls how sensitive the sensor is, with higher "
                     "values adding grain. A good way to start is aperture priority: you choose the aperture and the "
                     "camera picks the shutter speed, then move to full manual once that feels natural.")),
                    ("lenses", "It came with the 15-45 kit lens, and I'm also borrowing my uncle's old 35mm f/1.4."),
                    ("lenses_a", ("That's a nice pair to learn with. The 15-45 kit zoom covers wide landscapes to "
                     "moderate portraits and is small and light. Your uncle's 35mm f/1.4 is a classic prime: the wide "
                     "aperture lets in lots of light, which is great indoors and at night, and gives that soft, "
                     "blurred background. Try spending a week using only the 35mm. Not being able to zoom forces you "
                     "to move your feet and think about composition, which is one of the fastest ways to improve.")),
                    ("birds", ("What I really want to photograph is birds, especially the kingfishers on the canal near "
                     "my flat.")),
                    ("birds_a", ("Kingfishers are a wonderful but demanding subject, so it's good to know your goal "
                     "early. They're small, fast and shy, so neither the 15-45 nor the 35mm will get you close "
                     "enough. You'll eventually want a telephoto lens of at least 300mm, which you can rent before "
                     "buying. In the meantime, learn their habits on the canal: kingfishers often return to the same "
                     "perches, so find one, wait quietly at a distance, and practise with ducks and pigeons, which are "
                     "far more patient models.")),
                    ("job", "I work shifts as a train driver, so my free time is usually on weekday mornings."),
                    ("job_a", ("Weekday mornings are actually ideal for bird photography. Birds are most active in the "
                     "first few hours after sunrise, and the light is soft and warm. The canal will also be quieter "
                     "on weekdays than at weekends, with fewer walkers disturbing the birds. With a train driver's "
                     "shift pattern, you can plan sessions around the forecast and pick bright, still mornings.")),
                ],
            ),
            (
                "6:40 pm on 26 March, 2023",
                [
                    ("rent", ("I rented a 100-400 lens for the weekend and got my first sharp kingfisher shot on "
                     "Saturday!")),
                    ("rent_a", ("That's a real milestone. A sharp kingfisher is one of the hardest shots in British "
                     "wildlife photography. The 100-400 is a great lens for it, though heavy, so well done for "
                     "handling it. Look closely at what made that shot work, such as the light, the distance, and "
                     "where you focused, because knowing why a photo worked is how you repeat it. Back up the file "
                     "in two places tonight.")),
                    ("settings", "I used a shutter speed of 1/2000 and auto ISO, which went up to 3200."),
                    ("settings_a", ("1/2000 is a good choice for freezing a kingfisher's movement, and auto ISO is a "
                     "sensible way to keep that shutter speed. ISO 3200 on the X-T30 produces some grain but is very "
                     "usable, especially if the bird is sharp and well exposed. Modern noise reduction software can "
                     "clean it up well. On brighter days, the ISO will drop by itself. If you want less noise, try "
                     "1/1000 when the bird is perched and save the fastest speeds for flight.")),
                    "Should I edit in Lightroom or use something free?",
                    ("Both routes work. Lightroom is the industry standard for organising and editing large numbers of "
                    "photos, with excellent noise reduction and masking tools, but it's a subscription. Free "
                    "alternatives like darktable and RawTherapee are powerful, handle Fujifilm raw files well, and "
                    "cost nothing, though they have a steeper learning curve. Fujifilm also offers a free raw "
                    "converter that reproduces its film simulations. Try a free option for a month and switch if you "
                    "find yourself fighting it. Whatever you choose, learn to edit a few photos well rather than "
                    "many photos quickly."),
                    ("club", ("My friend Dev invited me to join his camera club, which meets on the first Monday of "
                     "each month.")),
                    ("club_a", ("Joining Dev's camera club is a great idea. Clubs are full of people happy to share "
                     "their knowledge, and regular feedback on your photos will help you improve quickly. Monthly "
                     "meetings on the first Monday are easy to plan around, even with shift work. Many clubs run "
                     "competitions, talks and group outings, and some members may know the best local wildlife "
                     "spots.")),
                ],
            ),
            (
                "2:15 pm on 16 April, 2023",
                [
                    ("gig", "Dev asked me to photograph his band's gig at a pub next Friday."),
                    ("gig_a", ("Photographing Dev's gig will be a fun change from birds. Pub gigs are dark and the "
                     "lighting changes constantly, so this is where your uncle's 35mm f/1.4 will shine. Shoot wide "
                     "open or close to it, keep the shutter around 1/200 to freeze movement, and let the ISO go "
                     "high. Arrive early to check the light and the best angles. Capture the details as well as the "
                     "performance: hands on instruments, the crowd, and the band before they go on.")),
                    "I'm nervous about using flash. I don't want to annoy people.",
                    ("That's a considerate instinct, and at many gigs flash is frowned upon, because it distracts "
                    "the performers and flattens the atmosphere. With a fast lens, you usually don't need it. If the "
                    "venue is very dark, ask Dev and the other band members first. Bouncing a flash off a low ceiling "
                    "is softer and less intrusive than pointing it directly at the stage. Otherwise, embrace the "
                    "grain: gig photos with a bit of noise often feel more authentic."),
                    ("save", ("I've decided to save up for my own 70-300 lens instead of renting every time. It's "
                     "about 700 pounds.")),
                    ("save_a", ("Saving for the 70-300 makes sense if you're renting often, because rental fees add up "
                     "quickly. At about 700 pounds, it's much lighter and cheaper than the 100-400, and still long "
                     "enough for kingfishers if you get close. Keep an eye on the second-hand market, as lenses hold "
                     "up well and you might save a couple of hundred pounds. Check the return policy and test it on "
                     "your camera before paying.")),
                ],
            ),
            (
                "8:30 pm on 14 May, 2023",
                [
                    ("gig_photos", ("The gig photos came out great. The 35mm was perfect, and the band used one of my "
                     "shots as the cover of their new album.")),
                    ("gig_photos_a", ("That's fantastic! Having your photo on an album cover after only a few months "
                     "of shooting is a big achievement, and the 35mm was clearly the right call in that light. Make "
                     "sure you're credited on the album and on their social media, and keep a copy of the cover in "
                     "your portfolio. If they want to use your photos commercially, it's worth agreeing simple terms "
                     "in writing, even between friends.")),
                    ("entered", "I also entered my kingfisher photo in the club's spring competition."),
                    ("Entering competitions is a great way to get honest feedback. Judges usually look at technical "
                    "quality, like sharpness, exposure and noise, composition and the story or impact of the image. "
                    "For wildlife, a clean background and the bird's eye in sharp focus matter a lot. Whatever the "
                    "result, ask the judges or experienced members for their comments, because that feedback is "
                    "often more valuable than a placing."),
                    ("second", "I just heard this morning that it came second out of forty entries!"),
                    ("second_a", ("Congratulations, second out of forty entries is an excellent result, especially for "
                     "your first competition. Your kingfisher clearly impressed the judges. Use it as motivation, but "
                     "also ask what kept it from first place; small details often decide the top spots. It's a great "
                     "photo to print large for your wall. "
                     "When you print it, ask a lab for proofs on two or three papers, because a glossy finish and a matte "
                     "fine-art paper can make the same image feel very different.")),
                    "How could I start selling prints?",
                    ("Start small and see what people like. Set up a simple online shop through a print-on-demand "
                    "service, which handles printing and shipping, or sell directly through a website or social "
                    "media. Local craft fairs, cafés and galleries often display and sell work by local "
                    "photographers. Price your prints to cover printing, framing and your time, and consider limited "
                    "editions to increase their value. High-quality printing on good paper makes a huge difference, "
                    "so order a test print before selling. Your competition-winning kingfisher would be a great "
                    "first print."),
                ],
            ),
        ],
        [
            ("Which camera did I buy, and was it new?", "A second-hand Fujifilm X-T30", ("camera", "camera_a"), 4),
            ("When did the user buy the camera?", "The week before 5 March 2023", ("camera",), 2),
            ("Which lenses did I start with?", "The 15-45 kit lens and a borrowed 35mm f/1.4", ("lenses", "lenses_a", "birds_a"), 4),
            ("Whose 35mm lens am I using?", "My uncle's", ("lenses", "lenses_a"), 4),
            ("What do I most want to photograph?", "Birds, especially the kingfishers on the canal near my flat",
             ("birds", "birds_a"), 4),
            ("What does the user do for a living?", "They work shifts as a train driver", ("job", "job_a"), 4),
            ("When did I get my first sharp kingfisher photo?", "Saturday, 25 March 2023", ("rent",), 2),
            ("Which lens did I rent?", "A 100-400", ("rent", "rent_a"), 4),
            ("What shutter speed did I use for the kingfisher?", "1/2000, with auto ISO up to 3200",
             ("settings", "settings_a"), 4),
            ("When does my friend's camera club meet?", "On the first Monday of each month", ("club", "club_a"), 4),
            ("When was the gig I photographed?", "Friday, 21 April 2023", ("gig",), 2),
            ("Whose lens did I use for the gig photos?", "My uncle's 35mm f/1.4", ("lenses", "lenses_a", "gig_photos", "gig_photos_a"), 1),
            ("How much does the lens I'm saving for cost?", "About 700 pounds, for a 70-300",
             ("save", "save_a"), 4),
            ("What did the band do with one of my photos?", "They used it as the cover of their new album",
             ("gig_photos", "gig_photos_a"), 4),
            ("How did my kingfisher photo do in the competition?", ("It came second out of forty in the club's spring "
             "competition"), ("entered", "second", "second_a"), 1),
            ("When did I find out the competition result?", "The morning of 14 May 2023", ("second",), 2),
        ],
    ),
    Chat(
        "chat-h02",
        [
            (
                "9:00 pm on 15 January, 2023",
                [
                    ("due", "My wife Hannah and I are expecting our first baby! The due date is the 2nd of June."),
                    ("due_a", ("Congratulations to you and Hannah! A due date of 2 June gives you about four and a half "
                     "months to prepare, which is plenty, even if it doesn't feel like it. The second trimester is "
                     "often the most comfortable stretch of pregnancy, so it's a good time for practical tasks: "
                     "looking into parental leave, thinking about where the baby will sleep, and booking antenatal "
                     "classes, which fill up early in many areas. Remember that only a small share of babies arrive "
                     "on their due date; anywhere from about three weeks before to two weeks after is normal.")),
                    ("scan", "We had the 12-week scan on Thursday and everything looked fine."),
                    ("scan_a", ("That's wonderful news and a big relief for many parents. The 12-week scan is an "
                     "important milestone, because it confirms the dates and checks the baby's early development. "
                     "Many couples start telling friends and colleagues after it. The next routine scan is usually "
                     "the anomaly scan at around 20 weeks, which looks at the baby's organs and growth in more "
                     "detail, and where you can often find out the sex if you want to.")),
                    ("flat", "We live in a one-bedroom flat in Manchester, so space is going to be tight."),
                    ("flat_a", ("Lots of families start out in a one-bedroom flat, and babies need less space than the "
                     "baby industry suggests. For the first six months, the recommendation is for the baby to sleep in "
                     "your room anyway, so a cot or bedside crib in your bedroom is exactly right. Focus on compact, "
                     "multi-purpose items: a chest of drawers with a changing mat on top, a foldable bath, and a "
                     "pram that folds small. Borrow or buy second-hand where you can, since babies outgrow things in "
                     "weeks, and resist buying gadgets until you know you need them.")),
                    ("cat", "And we have an old cat, Mr Whiskers, who gets very jealous."),
                    ("cat_a", ("Cats and babies usually get along fine, but it helps to prepare Mr Whiskers in advance. "
                     "Make changes to his routine now rather than when the baby arrives, for example if his bed or "
                     "food bowl needs to move, or if certain rooms will be off limits. Let him explore the new baby "
                     "furniture, but keep him out of the cot. Playing recordings of a baby crying at a low volume can "
                     "help him get used to the noise. Once the baby is home, keep giving him attention and quiet "
                     "spaces, so he doesn't feel pushed out.")),
                ],
            ),
            (
                "7:30 pm on 12 February, 2023",
                [
                    ("leave", ("I've checked, and I get two weeks' paternity leave, but I'm thinking of taking shared "
                     "parental leave too.")),
                    ("leave_a", ("Two weeks of paternity leave goes by very quickly, so it's great that you're looking "
                     "at shared parental leave. It lets Hannah and you split up to 50 weeks of leave between you, "
                     "after the first two weeks she must take, and you can take it at the same time or one after the "
                     "other. The statutory pay is low, so check whether either of your employers enhances it. You'll "
                     "need to give notice at least eight weeks before the leave starts, so speak to your HR "
                     "department soon.")),
                    ("teacher", ("I'm a secondary school science teacher, so the timing with the summer holidays is "
                     "actually lucky.")),
                    ("teacher_a", ("That's a lucky coincidence. As a teacher, a baby due in early June means your "
                     "paternity leave and the end of the school year run almost straight into the summer holidays, "
                     "giving you several weeks at home during those first months. Let your school know your plans "
                     "early so they can arrange cover for exams and the end of term. You might also be able to use "
                     "shared parental leave later, for example in the autumn, if that suits your family better.")),
                    ("names", "We're arguing about names. I like Arthur for a boy, and Hannah likes Felix."),
                    ("Name debates are part of the fun, and most couples end up somewhere neither expected at the "
                    "start. A few strategies help. Each of you writes a list of ten names you like, and you look for "
                    "overlaps or similar styles. Say each name out loud with your surname and any middle names, and "
                    "imagine shouting it across a playground. Think about nicknames and initials. Some couples keep "
                    "a shortlist and decide only after meeting the baby. And if the scan can tell you the sex, you'll "
                    "only need to agree on one list."),
                ],
            ),
            (
                "11:00 am on 19 March, 2023",
                [
                    ("girl", "We found out at the 20-week scan on Tuesday that it's a girl!"),
                    ("girl_a", ("How lovely, congratulations on your daughter! Finding out at the 20-week scan often "
                     "makes things feel more real, and it settles the Arthur versus Felix debate for now. The anomaly "
                     "scan also checks the baby's development in detail, so a good result there is reassuring. This is "
                     "a nice time to start thinking about girls' names and to share the news with family if you want "
                     "to.")),
                    ("iris", "We've more or less agreed on Iris, after Hannah's grandmother."),
                    ("iris_a", ("Iris is a beautiful name, and naming her after Hannah's grandmother gives it a special "
                     "family meaning. It's classic but not overused, easy to spell, and works well at every age. "
                     "Some couples keep the chosen name secret until the birth to avoid unwanted opinions, while "
                     "others enjoy using it during the pregnancy. Either way is fine. "
                     "If relatives ask about middle names, it can help to decide those together early, so that the full "
                     "name feels settled well before the birth.")),
                    ("pram", "My parents want to buy us the pram. What should we look for?"),
                    ("That's a generous gift. For a one-bedroom flat in a city, the most important features are a "
                    "compact fold, a light frame if you'll carry it up stairs, and a good fit on buses and trams. Look "
                    "for a pram that starts with a lie-flat carrycot or seat for newborns and converts to a pushchair "
                    "later. Check that it fits through your front door and in a lift, if you have one. Good brakes, "
                    "a big basket and a rain cover matter more than style. Test a few in a shop, fold them with one "
                    "hand, and check the second-hand market too."),
                    ("classes", "We've signed up for antenatal classes starting on the 3rd of April."),
                    ("classes_a", ("Starting antenatal classes on 3 April is good timing, early enough to learn and "
                     "late enough that it's fresh in your mind when the baby comes. Classes usually cover labour and "
                     "birth, pain relief, feeding, and caring for a newborn. An often overlooked benefit is meeting "
                     "other expectant parents nearby, who can become an important support network in the first "
                     "months. Go to the sessions together, and ask about anything that worries you.")),
                ],
            ),
            (
                "4:45 pm on 23 April, 2023",
                [
                    ("cot", "I spent yesterday building the cot and painting a corner of our bedroom green."),
                    ("cot_a", ("Building the cot and painting a corner of your bedroom is a lovely milestone, and green "
                     "is a calm colour for a baby's space. Let the room air well for a few days after painting before "
                     "the baby sleeps there. Check the cot instructions once more to make sure every bolt is tight, "
                     "and use a firm, flat mattress that fits without gaps at the sides. Keep the cot clear of "
                     "pillows, bumpers and soft toys, which are a safety risk for young babies.")),
                    "Hannah's got really bad back pain now.",
                    ("Back pain is very common in the third trimester, as the baby grows and the body releases hormones "
                    "that loosen ligaments. Gentle things often help: a warm bath, a pillow between the knees in bed, "
                    "supportive shoes, and pregnancy yoga or swimming. Avoid heavy lifting and try to sit with the back "
                    "supported. She should mention it to her midwife, who can refer her to a physiotherapist if "
                    "needed. Seek advice promptly if the pain is severe, comes in waves or comes with other symptoms."),
                    ("nocar", "We don't own a car. How do we get home from the hospital?"),
                    ("nocar_a", ("Plenty of city families don't have a car, and there are several safe options. The most "
                     "common is a taxi, but you'll need to bring your own infant car seat and know how to fit it "
                     "with a seatbelt, so practise beforehand. Some families ask a friend or relative with a car to "
                     "collect them. Another option is walking or public transport with a pram that has a carrycot, if "
                     "the hospital is close. Whatever you choose, plan it now rather than on the day.")),
                ],
            ),
            (
                "10:15 pm on 21 May, 2023",
                [
                    ("born", "She's here! Iris was born on Wednesday, just over two weeks early, weighing 3.1 kilos."),
                    ("born_a", ("Congratulations! Welcome to the world, Iris. A healthy weight of 3.1 kilos is "
                     "excellent, and babies born a couple of weeks early are considered full term. The first days "
                     "are a whirlwind of feeding, changing and very little sleep, so be kind to yourselves. Accept "
                     "help with meals and housework, and don't worry about visitors; it's fine to say no or keep "
                     "visits short.")),
                    ("whiskers", "Mr Whiskers sniffed her and walked off. I think that's approval."),
                    ("whiskers_a", ("That's a very cat-like seal of approval. For Mr Whiskers, sniffing and walking "
                     "away is a good sign: he's curious but not stressed. Keep his routine as normal as possible, "
                     "give him quiet attention when you can, and keep him out of the room where Iris sleeps. Most "
                     "cats become calm companions to children once they've adjusted.")),
                    "How do we survive the sleep deprivation?",
                    ("Honestly, it helps to expect it, because newborns wake every two to three hours to feed. A few "
                    "strategies make a big difference. Sleep in shifts, so each of you gets one longer block of sleep "
                    "each night. Nap when the baby naps, at least once a day, instead of catching up on chores. Keep "
                    "night feeds calm and dark, with minimal talking, which helps the baby learn the difference "
                    "between day and night. Accept help from family and friends. And remember that it gets better: "
                    "most babies sleep longer stretches after a few months."),
                ],
            ),
        ],
        [
            ("What is my wife's name, and when was the baby due?", "Hannah; 2 June 2023", ("due", "due_a"), 4),
            ("When was our 12-week scan?", "Thursday, 12 January 2023", ("scan",), 2),
            ("Where do we live, and how big is our home?", "A one-bedroom flat in Manchester", ("flat", "flat_a"), 4),
            ("What is the user's cat called?", "Mr Whiskers", ("cat", "cat_a"), 4),
            ("How much paternity leave do I get?", "Two weeks", ("leave", "leave_a"), 4),
            ("What do I teach, and at what kind of school?", "Science, at a secondary school", ("teacher", "teacher_a"), 4),
            ("Which boys' names did we each like?", "I liked Arthur and Hannah liked Felix", ("names", "girl_a"), 4),
            ("When did we find out the baby is a girl?", "Tuesday, 14 March 2023, at the 20-week scan",
             ("girl", "girl_a"), 2),
            ("Who is our daughter named after?", "Hannah's grandmother", ("iris", "iris_a"), 4),
            ("Who offered to buy us the pram?", "My parents", ("pram",), 4),
            ("When did our antenatal classes start?", "3 April 2023", ("classes", "classes_a"), 2),
            ("When did I build the cot?", "Saturday, 22 April 2023", ("cot",), 2),
            ("Why does the user need a plan for getting home from the hospital?", "They don't own a car",
             ("nocar", "nocar_a"), 4),
            ("When was our daughter born, and how much did she weigh?", "Wednesday, 17 May 2023; 3.1 kilos",
             ("born", "born_a"), 2),
            ("How many days before the due date did Iris arrive?", "16 days: born 17 May, due 2 June 2023",
             ("due", "due_a", "born", "born_a"), 1),
            ("How did our jealous old cat react to the baby?", "Mr Whiskers sniffed her and walked off",
             ("cat", "cat_a", "whiskers", "whiskers_a"), 1),
        ],
    ),
    Chat(
        "chat-h03",
        [
            (
                "8:20 am on 2 July, 2023",
                [
                    ("hobby", ("I've been making pottery as a hobby for five years, and I want to start selling my "
                     "mugs and bowls.")),
                    ("hobby_a", ("Five years of practice is a solid foundation, and mugs and bowls are a smart place to "
                     "start because people buy and use them every day. Before your first sale, check a few basics: "
                     "that your clay and glazes are food-safe and suitable for the dishwasher and microwave if you "
                     "say so; that you have product liability insurance, which many markets require; and that you "
                     "register as self-employed once your income passes the trading allowance. Start with a small, "
                     "consistent range in a few sizes and colours, so your table looks like a collection rather than "
                     "a sample of everything you've made.")),
                    ("studio", "I rent kiln space at a community studio in Sheffield for 45 pounds a month."),
                    ("studio_a", ("Renting kiln space for 45 pounds a month in a Sheffield community studio is a "
                     "cost-effective way to start, since a kiln and its installation can cost thousands. Add that "
                     "monthly fee to your costs when you price your work, along with clay, glaze materials, packaging "
                     "and market fees. Community studios are also great for advice: other potters there will have "
                     "dealt with cracked pots, glaze problems and awkward customers, and may know which local markets "
                     "are worth it.")),
                    ("hygienist", ("I still work full time as a dental hygienist, so this would be weekends only at "
                     "first.")),
                    ("hygienist_a", ("Keeping your job as a dental hygienist while you test the business is a wise "
                     "approach. It takes pressure off early sales and lets you grow at your own pace. With only "
                     "weekends available, plan your making in batches: throwing one weekend, trimming and glazing "
                     "the next, and firing when the studio's kiln is available. Keep track of the hours you spend, "
                     "because that information will help you decide later whether the business can replace part of "
                     "your income.")),
                    "How should I price a mug? I've been giving them away to friends.",
                    ("Most makers underprice at first, so it's worth using a simple formula. Add up the cost of "
                    "materials for one mug, including clay, glaze and a share of the kiln rent, then add your time "
                    "at an hourly rate you'd be happy with, including throwing, trimming, glazing and packing. Add a "
                    "margin for overheads like market fees, insurance and breakages. That gives your wholesale price; "
                    "retail is often about double. Then compare with similar handmade mugs locally and online. For "
                    "handmade stoneware in the UK, 20 to 35 pounds a mug is common. Pricing too low can make "
                    "customers doubt the quality."),
                ],
            ),
            (
                "5:00 pm on 23 July, 2023",
                [
                    ("market", "I've booked a stall at the Sheffield makers' market on the first Saturday of August."),
                    ("market_a", ("Well done on booking the Sheffield makers' market. Your first stall is a big step. "
                     "Prepare a checklist: a table and a tablecloth, different heights for displaying pieces, clear "
                     "price labels, a card reader and some change, wrapping paper and bags, business cards and a sign "
                     "with your name. Bring more stock than you expect to sell, and practise setting up at home to see "
                     "how long it takes. Chat with visitors about how you make your pieces; people love hearing the "
                     "story behind handmade work.")),
                    ("glaze", "My signature glaze is a speckled blue that I mix myself."),
                    ("glaze_a", ("A signature glaze is a real asset, because it makes your work instantly recognisable "
                     "on a crowded market. Since you mix the speckled blue yourself, keep a detailed recipe book with "
                     "exact weights, batch numbers and firing notes, so you can reproduce it reliably and match "
                     "orders later. Test each new batch on a tile before glazing a full kiln load. Make sure the "
                     "glaze has been tested as food-safe, especially if it contains colourants like cobalt or copper.")),
                    ("etsy", "My sister Rosa set up an Etsy shop for me yesterday."),
                    ("etsy_a", ("That's a great help from Rosa. Selling online opens up a much bigger audience than "
                     "markets alone. Good photos matter most on Etsy: shoot in natural daylight against a plain "
                     "background, and include a photo of a mug in someone's hand to show the size. Write honest "
                     "descriptions with dimensions, capacity and care instructions, and be clear about shipping "
                     "times. Pottery is fragile, so invest in good packaging and test it by posting a mug to a friend "
                     "before your first order.")),
                    ("name", "I'm calling the business Hollow Hill Pottery, after the street I grew up on."),
                    ("name_a", ("Hollow Hill Pottery is a lovely name, memorable, easy to say, and with a personal "
                     "story behind it that customers will enjoy. Before you print anything, check that the name isn't "
                     "already used by another business, and try to get the matching social media handles and a web "
                     "domain. Stamp the name or initials into the base of each piece, which makes your work "
                     "recognisable and looks professional.")),
                ],
            ),
            (
                "9:40 pm on 20 August, 2023",
                [
                    ("sold", "The market was amazing. I sold 34 mugs and 12 bowls!"),
                    ("sold_a", ("That's a brilliant first market. Selling 34 mugs and 12 bowls shows there's real demand "
                     "for your work. Write down what sold first, which colours and sizes people asked for, and which "
                     "questions came up, because that information shapes your next batch. Collect email addresses or "
                     "followers from interested visitors, since many people come back to buy later. "
                     "It's also worth working out your real profit from the day, after the stall fee, travel and "
                     "materials, so you know which markets are worth repeating.")),
                    ("cracked", ("But three of the mugs I sold cracked in the dishwasher, and the customers emailed "
                     "me.")),
                    ("cracked_a", ("That's disappointing, but it happens to many potters, and dealing with it well will "
                     "build trust. Cracks after dishwashing often point to a glaze fit problem, where the glaze and "
                     "clay expand and contract at different rates, or to clay that isn't fully vitrified at your "
                     "firing temperature. Talk to the community studio about the firing schedule, and test some mugs "
                     "from the same batch in your own dishwasher. Until you've solved it, label your work as hand "
                     "wash only.")),
                    ("fairs", ("I've been invited to a Christmas fair in York in December, and there's a craft fair in "
                     "Leeds in October.")),
                    ("fairs_a", ("Two invitations after your first market is a great sign. The York Christmas fair in "
                     "December is likely to be the bigger opportunity, since people buy gifts then, while the Leeds "
                     "craft fair in October would be a good testing ground. Both will need a lot of stock, so plan "
                     "your making schedule backwards from the dates. Check the stall fees, the expected number of "
                     "visitors and whether they are indoor or outdoor.")),
                    "How should I handle the returns?",
                    ("Respond quickly, apologise, and offer a choice of a full refund or a replacement, whichever the "
                    "customer prefers. Ask for a photo of the crack, which helps you understand the problem and "
                    "keeps a record, but don't make them send the mug back if shipping it would cost more than it's "
                    "worth. A generous response often turns an unhappy customer into a loyal one. Write a simple "
                    "returns policy for your Etsy shop and your market stall, so people know what to expect."),
                ],
            ),
            (
                "1:10 pm on 24 September, 2023",
                [
                    ("wheel", "I bought my own wheel second-hand on Tuesday for 350 pounds."),
                    ("wheel_a", ("350 pounds for a second-hand wheel is a good price, and having your own means you can "
                     "throw at home whenever you have time, rather than only at the studio. Clean and check it "
                     "carefully: the pedal, the motor at different speeds and any wobble in the wheel head. Set it "
                     "up near a water supply with a floor that's easy to clean, as clay dust is a health hazard when "
                     "it dries. A damp mop is better than sweeping.")),
                    ("kiln", "Next, I'd like my own kiln, but I'd need a new electric circuit in the garage."),
                    ("kiln_a", ("Most electric kilns need a dedicated circuit, so a new circuit in the garage is normal. "
                     "Have a qualified electrician check your supply before you buy, because some larger kilns need "
                     "more power than a home can easily provide. Kilns also need space around them, ventilation and "
                     "a non-flammable floor. Tell your home insurer too. Given the cost, keep renting the studio kiln "
                     "until your sales justify the investment.")),
                    ("york", "I've decided to skip the Leeds fair and focus on York."),
                    ("york_a", ("Focusing on York makes sense, especially while you're solving the dishwasher issue. One "
                     "well-stocked stall at a big Christmas fair is better than two rushed ones. Use the extra time "
                     "to build stock in your best-selling sizes, make some smaller gift items at lower prices, and "
                     "prepare festive packaging. "
                     "Look at the fair's website and social media to see what other makers sell there, so your table "
                     "stands out, and plan a simple festive display with battery-powered lights.")),
                    ("four_days", "I'm thinking of dropping to four days a week at the dental practice."),
                    ("four_days_a", ("That's a big decision, so it's worth looking at the numbers first. Work out how much income you'd "
                     "lose from the fifth day, and compare it with what your pottery realistically earns now, after "
                     "all costs. Look at how steady your sales are over several months, not just one good market. "
                     "Consider whether four days would give you enough time to grow the business, and whether your "
                     "practice would let you return to full time later. A trial period, if possible, is a good way to "
                     "find out.")),
                ],
            ),
        ],
        [
            ("How long have I been making pottery?", "Five years", ("hobby", "hobby_a"), 4),
            ("Where does the user fire their pottery, and what does it cost?",
             "Rented kiln space at a community studio in Sheffield, 45 pounds a month", ("studio", "studio_a"), 4),
            ("What is my day job?", "A dental hygienist, full time", ("hygienist", "hygienist_a"), 4),
            ("When was my first market stall?", "Saturday, 5 August 2023, at the Sheffield makers' market",
             ("market", "market_a"), 2),
            ("What is my signature glaze?", "A speckled blue that I mix myself", ("glaze", "glaze_a"), 4),
            ("When did my sister set up my Etsy shop?", "22 July 2023", ("etsy",), 2),
            ("What is my business called, and where does the name come from?",
             "Hollow Hill Pottery, after the street I grew up on", ("name", "name_a"), 4),
            ("How many pieces did I sell at my first market?", "34 mugs and 12 bowls", ("sold", "sold_a"), 4),
            ("What went wrong with some of the mugs I sold?", "Three cracked in the dishwasher",
             ("cracked", "cracked_a"), 4),
            ("Which two events was the user invited to later in the year?",
             "A Christmas fair in York in December and a craft fair in Leeds in October", ("fairs", "fairs_a"), 4),
            ("When did I buy my pottery wheel?", "Tuesday, 19 September 2023", ("wheel",), 2),
            ("What do I need before I can have my own kiln?", "A new electric circuit in the garage",
             ("kiln", "kiln_a"), 4),
            ("Which fair did I choose in the end, and when is it?", "The York Christmas fair, in December",
             ("fairs", "fairs_a", "york", "york_a"), 1),
            ("What change to my day job am I considering?",
             "Dropping to four days a week as a dental hygienist", ("hygienist", "hygienist_a", "four_days", "four_days_a"), 1),
            ("Who helped me sell online, and how many mugs did I sell at the market?",
             "My sister Rosa set up the Etsy shop; 34 mugs at the market", ("etsy", "etsy_a", "sold", "sold_a"), 1),
        ],
    ),
    Chat(
        "chat-h04",
        [
            (
                "7:50 pm on 10 September, 2023",
                [
                    ("start", ("I'm 52 and I've finally started learning guitar. My late uncle left me his 1970s Yamaha "
                     "acoustic.")),
                    ("start_a", ("It's never too late, and plenty of people start at 52 and play for decades. Learning "
                     "on your uncle's 1970s Yamaha is a lovely way to keep his memory alive, and Yamaha acoustics "
                     "from that era are known for being sturdy and good-sounding. Before you go further, have it "
                     "checked by a guitar technician: old guitars often have high strings, worn frets or a neck that "
                     "needs adjusting, which makes them much harder to play. A setup usually costs less than a lesson "
                     "package and can make the difference between frustration and progress.")),
                    ("fingers", "My fingertips are killing me after three days."),
                    ("fingers_a", ("Sore fingertips in the first weeks are completely normal, and after three days "
                     "they're at their worst. The skin is building calluses, which takes two to four weeks of regular "
                     "playing. Keep practice sessions short and frequent rather than long, stop if you feel sharp pain "
                     "or see blisters, and press the strings just hard enough for a clean note, since most beginners "
                     "press much harder than they need to. Playing right after a shower or with wet hands makes the "
                     "skin softer, so avoid that.")),
                    ("goal", "My goal is to play 'Wish You Were Here' at my daughter's 30th birthday in March."),
                    ("goal_a", ("'Wish You Were Here' is a great goal for your daughter's 30th in March. It's "
                     "recognisable, emotional, and built on a handful of open chords, with a famous intro riff that "
                     "you can learn in small pieces. Six months is enough time if you practise regularly. Break it "
                     "into three parts: the chords for the verse and chorus, the strumming pattern, and the intro. "
                     "Learn the chords first, then the intro, and record yourself every few weeks to hear your "
                     "progress.")),
                    ("practice", "I can practise about twenty minutes a day, in the evenings after I walk the dog."),
                    ("practice_a", ("Twenty minutes a day in the evening is a very effective routine; daily short "
                     "sessions beat one long session a week. A simple structure: five minutes warming up with finger "
                     "exercises or single notes, ten minutes on chord changes or the current song section, and five "
                     "minutes playing something you enjoy. Keep the guitar on a stand where you can see it, not in "
                     "its case, because you're far more likely to pick it up.")),
                ],
            ),
            (
                "8:10 pm on 1 October, 2023",
                [
                    ("teacher", ("I started lessons with a teacher called Grace at the music shop on the high street, "
                     "every Thursday.")),
                    ("teacher_a", ("Weekly lessons with Grace will speed things up a lot. A teacher spots bad habits "
                     "early, such as tension in your wrist or thumb position, before they become hard to fix. Tell "
                     "her about your goal of 'Wish You Were Here' so she can build lessons towards it. Between "
                     "Thursdays, write down questions as they come up, and ask her to give you a short list of "
                     "practice tasks for the week.")),
                    ("chords", "I can now do G, C, D and E minor, but the change from C to G is slow."),
                    ("chords_a", ("G, C, D and E minor are the core chords of thousands of songs, so that's excellent "
                     "progress in a few weeks. The C to G change is one of the trickiest early changes, because "
                     "every finger moves. A few tips: look for a 'pivot' finger that stays close to the same place; "
                     "practise only the change for a minute at a time, slowly, without strumming; and try the one-"
                     "minute challenge, counting how many clean changes you can make in sixty seconds and trying to "
                     "beat it each day.")),
                    ("telecaster", "My son wants me to try his electric guitar, a Fender Telecaster."),
                    ("telecaster_a", ("Trying your son's Telecaster is a good idea, and you might be surprised how much "
                     "easier it feels. Electric guitars usually have lighter strings and a lower action, so chords "
                     "take less pressure, which can be a relief for sore fingertips. The skills transfer both ways, "
                     "so anything you learn on one will help on the other. Just be aware that electrics hide some "
                     "mistakes that an acoustic exposes, so keep practising on the Yamaha too.")),
                ],
            ),
            (
                "6:25 pm on 22 October, 2023",
                [
                    ("strings", "Grace restrung the Yamaha yesterday with lighter strings, and it's so much easier."),
                    ("strings_a", ("Lighter strings make a big difference on an acoustic, especially an older guitar. "
                     "They need less pressure, which is kinder to your fingertips and your hands, and chord changes "
                     "become quicker. The sound will be a little thinner than heavier strings, but for learning, "
                     "comfort matters more. Strings lose their brightness after a few months of regular playing, so "
                     "ask Grace to show you how to change them yourself.")),
                    "F is impossible. I can't press the barre at all.",
                    ("Almost everyone finds the F chord impossible at first; it's one of the classic hurdles. Start "
                    "with an easier version: the small F, which only uses four strings and no full barre. For the full "
                    "barre, don't squeeze harder. Instead, roll your first finger slightly onto its bony side, place "
                    "it just behind the fret, and use the weight of your arm rather than the strength of your thumb. "
                    "Practise it for a minute or two each day, then move on. It usually clicks after a few weeks."),
                    ("band", ("A few colleagues from the council office have a band and asked me to join on rhythm "
                     "guitar.")),
                    ("band_a", ("How exciting to be asked to join your colleagues' band on rhythm guitar. Playing with "
                     "others is one of the fastest ways to improve, because it forces you to keep time and change "
                     "chords without stopping. Ask for their set list and the chords early, and practise with "
                     "recordings of the songs. Rhythm guitar is all about steady strumming, so a metronome will be "
                     "your best friend.")),
                    ("thumb", "I have mild arthritis in my left thumb, so I have to be careful."),
                    ("thumb_a", ("Thanks for mentioning it, because it's important to protect your left thumb. Warm up "
                     "your hands before playing, for example with warm water or gentle finger stretches, and keep "
                     "sessions short. Avoid clamping the neck with your thumb; let it rest lightly behind the neck "
                     "and use your arm's weight for chords. The lighter strings Grace fitted will help, and so would "
                     "a guitar with a slimmer neck. If it flares up, rest and talk to your doctor or a hand therapist.")),
                ],
            ),
            (
                "9:35 pm on 26 November, 2023",
                [
                    ("rehearsal", "I played two songs with the office band at the Christmas party rehearsal on Friday."),
                    ("rehearsal_a", ("That's a big step: playing two songs with the office band means you're now a "
                     "musician who plays with other people, not just a learner. How did it feel? Rehearsals are where "
                     "you learn the most, so note which parts felt shaky and practise those before the party. Stay "
                     "relaxed if you miss a chord; in a band, keeping the rhythm going matters more than every note.")),
                    ("squier", ("I've ordered my own electric guitar, a Squier, so I don't have to keep borrowing my "
                     "son's.")),
                    ("squier_a", ("A Squier is a great choice for a first electric guitar. They're affordable, well "
                     "made and very similar to the Fenders they're modelled on. Have it set up when it arrives, just "
                     "like your Yamaha, and pick a small practice amp with headphone output so you can practise in the "
                     "evenings without disturbing anyone. Now your son can have his Telecaster back.")),
                    ("intro", "I can play the whole intro to 'Wish You Were Here' now."),
                    ("intro_a", ("That's fantastic progress. The intro is the hardest part of 'Wish You Were Here', so "
                     "being able to play the whole thing in under three months means you're well ahead of schedule "
                     "for your daughter's birthday. Now work on playing the song all the way through without stopping, "
                     "at a slower tempo if needed, and play it for a family member to get used to an audience.")),
                    "How do I keep improving once the big goal is done?",
                    ("Set a new goal before the old one is finished, so momentum doesn't fade. Good options include "
                    "learning a new style, like fingerpicking or blues; learning some basic music theory, such as "
                    "how chords are built and what keys are; learning a song a month from a list you choose; or "
                    "writing a simple song of your own. Keep the daily practice habit, even if it's only ten minutes. "
                    "Playing regularly with others, like your office band, will also push you, because there's "
                    "always a new song to learn."),
                ],
            ),
        ],
        [
            ("How old was I when I started learning guitar?", "52", ("start", "start_a"), 4),
            ("Which guitar did the user inherit, and from whom?", "A 1970s Yamaha acoustic, from their late uncle",
             ("start", "start_a"), 4),
            ("Which song do I want to play, and for what occasion?",
             "'Wish You Were Here', at my daughter's 30th birthday", ("goal", "goal_a", "teacher_a", "intro_a"), 4),
            ("When is my daughter's 30th birthday?", "In March 2024", ("goal", "goal_a"), 2),
            ("How long do I practise each day, and when?", "About twenty minutes, in the evening after walking the dog",
             ("practice", "practice_a"), 4),
            ("Who is my guitar teacher, and when are the lessons?", ("Grace, at the high street music shop, every "
             "Thursday"), ("teacher", "teacher_a"), 4),
            ("Which chord change did I find slow?", "C to G", ("chords", "chords_a"), 4),
            ("What electric guitar does my son have?", "A Fender Telecaster", ("telecaster", "telecaster_a"), 4),
            ("When were the strings on my acoustic replaced?", "21 October 2023", ("strings",), 2),
            ("Who asked me to join their band, and on which part?", ("Colleagues from the council office, on rhythm "
             "guitar"), ("band", "band_a"), 4),
            ("What health problem affects the user's playing?", "Mild arthritis in the left thumb",
             ("thumb", "thumb_a"), 4),
            ("When did I first play with the office band?", ("Friday, 24 November 2023, at the Christmas party "
             "rehearsal"), ("rehearsal", "rehearsal_a"), 2),
            ("Which electric guitar did I order for myself?", "A Squier", ("squier", "squier_a"), 4),
            ("Who restrung the guitar that my uncle left me?", "Grace, my teacher, with lighter strings",
             ("start", "start_a", "strings", "strings_a"), 1),
            ("How close am I to my goal for my daughter's birthday?",
             "I can play the whole intro to 'Wish You Were Here', the song I want to play at her 30th",
             ("goal", "goal_a", "teacher_a", "intro", "intro_a"), 1),
        ],
    ),
    Chat(
        "chat-h05",
        [
            (
                "10:30 am on 4 June, 2023",
                [
                    ("house", ("We bought a 1930s semi in Nottingham last year, and the kitchen is original and falling "
                     "apart.")),
                    ("house_a", ("A 1930s semi is a great house to renovate: solid construction, good ceiling heights and "
                     "usually a sensible layout. Original kitchens from that era are often small and separate from "
                     "the dining room, which is why so many owners open them up. Before designing anything, check the "
                     "basics that hide behind old kitchens: the wiring, which may need updating to current "
                     "regulations, the plumbing and drainage, any damp in the walls and floor, and the condition of "
                     "the floor joists. Surprises are common in houses of that age, so keep a contingency in your "
                     "budget.")),
                    ("budget", "Our budget for the kitchen is 25,000 pounds, including appliances."),
                    ("budget_a", ("25,000 pounds including appliances is a realistic mid-range budget, but it goes "
                     "quickly once building work is involved. As a rough guide, the building work, electrics, "
                     "plumbing and plastering can take 40 to 50 percent, cabinets and worktops 25 to 35 percent, "
                     "appliances 10 to 15 percent, and flooring, lighting and finishing the rest. Hold back 10 to 15 "
                     "percent as a contingency, especially in an older house. Decide where you want to spend, for "
                     "example worktops or a good oven, and where you can save, such as standard cabinet carcasses "
                     "with nicer doors.")),
                    ("wall", "We want to knock through the wall between the kitchen and the dining room."),
                    ("wall_a", ("Knocking the kitchen and dining room together is one of the most popular changes in "
                     "1930s houses, and it often transforms how the ground floor works. First, find out whether the "
                     "wall is load-bearing. If it is, you'll need a structural engineer to design a steel or timber "
                     "beam, and building control approval. Your neighbours may need a party wall notice if the beam "
                     "sits in the shared wall. Also consider where the radiators, sockets and light switches on that "
                     "wall will go.")),
                    ("hob", ("My husband Kofi is the cook in our house, and he wants a gas hob, but I'd prefer "
                     "induction.")),
                    ("hob_a", ("It's a common debate, and there are good arguments on both sides. Kofi probably likes "
                     "gas for its visible flame and instant control, which many keen cooks are used to. Induction is "
                     "just as responsive, often faster to boil, much easier to clean, safer with children around, "
                     "and better for indoor air quality. The main downside is that you need pans with a magnetic "
                     "base. A good way to settle it is for Kofi to try cooking on an induction hob, at a showroom or a "
                     "friend's house, before you decide.")),
                ],
            ),
            (
                "3:15 pm on 25 June, 2023",
                [
                    ("darren", ("We've picked a builder, Darren, who did our neighbour's extension. He quoted 18,500 "
                     "for the building work.")),
                    ("darren_a", ("Choosing Darren on the strength of your neighbour's extension is one of the best ways "
                     "to find a builder, because you've seen the quality of his work and can ask how he was to deal "
                     "with. Make sure the 18,500 quote is itemised, and check what it includes: the steel beam, "
                     "plastering, electrics, plumbing, flooring and removing waste. Agree a written contract with a "
                     "payment schedule tied to stages of the work, never paying large sums up front, and ask about "
                     "his insurance.")),
                    ("engineer", "The structural engineer came on Wednesday and said we need a steel beam."),
                    ("engineer_a", ("That's expected for a load-bearing wall in a house like yours. The engineer will "
                     "produce calculations and drawings for the steel beam, which you'll need for building control. "
                     "Share them with Darren so he can price accurately. The beam will probably sit on padstones at "
                     "each end, and sometimes it can be hidden in the ceiling for a flush finish, which looks cleaner "
                     "but costs more. Ask building control about inspections during the work.")),
                    ("cabinets", ("For the cabinets, we're choosing between a Howdens kitchen and a handmade one from a "
                     "local joiner.")),
                    ("cabinets_a", ("Both can be great; it depends on your priorities. A trade kitchen like Howdens is usually cheaper "
                     "and quick to deliver, with a wide range of styles and reliable carcasses, and builders know how "
                     "to fit it. A handmade kitchen from a local joiner can be made to measure for awkward spaces, "
                     "which is common in older houses, and uses solid wood, but it costs more and takes longer. A "
                     "middle route is standard carcasses with bespoke doors and a hand-built island. Get a quote from "
                     "both and compare them like for like.")),
                    ("start", "Darren can start on the 10th of July, and he says it'll take six weeks."),
                    ("start_a", ("A start on 10 July and six weeks of work would mean finishing around the third week "
                     "of August, though renovations often overrun, so plan for a little longer. Living without a "
                     "kitchen for that long is the hardest part for many families, so set up a temporary kitchen in "
                     "another room now: a microwave, a kettle, a small hob, the fridge if it can be moved, and a "
                     "washing-up bowl. Paper plates and simple meals will make life easier.")),
                ],
            ),
            (
                "8:00 pm on 16 July, 2023",
                [
                    ("asbestos", ("Bad news: they found asbestos in the old ceiling tiles on Tuesday, so work has "
                     "stopped.")),
                    ("asbestos_a", ("That's frustrating, but stopping work was the right thing to do, and it's a common "
                     "find in houses of that age. Asbestos-containing ceiling tiles are usually low risk if they're "
                     "not disturbed, but they must be removed by a licensed or trained contractor, depending on the "
                     "type, before work continues. Don't try to remove them yourself. Ask for the test results in "
                     "writing, and keep the family out of the area until it's been cleared.")),
                    ("removal", "Removal will cost an extra 1,800 pounds."),
                    ("removal_a", ("1,800 pounds for removal is within the normal range, and this is exactly what a "
                     "contingency is for. Ask for the removal contractor's licence or training certificate and a "
                     "clearance certificate afterwards. Update your budget spreadsheet now, and look for small savings "
                     "elsewhere, such as choosing a simpler splashback or doing some of the painting yourselves, so "
                     "the total doesn't creep too far.")),
                    ("camping", "We're cooking on a two-ring camping stove in the living room."),
                    ("camping_a", ("A camping stove can get you through, but keep safety in mind. Use it only in a well-"
                     "ventilated space, never leave it unattended, keep it away from curtains and children, and store "
                     "the gas canisters outside. Plan simple one-pot meals, batch cook when you can, and use a slow "
                     "cooker or a microwave for some meals. It's also a good excuse to eat out or have takeaways now "
                     "and then.")),
                    ("induction", "Kofi finally agreed to induction after trying one at his sister's house."),
                    ("induction_a", ("Great, trying it first is the best way to be convinced. Since Kofi is the main "
                     "cook, let him choose the model: look for a hob with bridge zones for large pans, a good power "
                     "boost, and controls that are easy to use with wet hands. Check your existing pans with a magnet; "
                     "any that don't stick won't work on induction. The electrician will need to run a dedicated "
                     "circuit for it.")),
                ],
            ),
            (
                "11:45 am on 6 August, 2023",
                [
                    ("done", "The kitchen is finished! Darren's team finished on Friday, only a week late."),
                    ("done_a", ("Congratulations! Only a week late, despite the asbestos, is a very good result for a "
                     "renovation. Before the final payment, walk around with Darren and make a snagging list of any "
                     "small issues, like doors that don't close properly or gaps in the sealant. Collect all the "
                     "certificates, including the electrical certificate, building control sign-off and the appliance "
                     "warranties, and keep them together.")),
                    ("total", "The total came to 27,200 pounds, a bit over budget."),
                    ("total_a", ("27,200 pounds against a 25,000 budget is about nine percent over, which is very "
                     "normal, especially with an unexpected asbestos removal. Many renovations go over by 20 percent "
                     "or more. Put the final figures in your records, as they're useful when you sell the house and "
                     "for future projects. "
                     "If you can, set aside a little money for the small finishing jobs that tend to appear in the months "
                     "after a renovation, such as touching up paint or adding shelves.")),
                    ("island", ("The island with the breakfast bar is my favourite part; the kids do their homework "
                     "there.")),
                    ("island_a", ("An island with a breakfast bar is often the heart of an open-plan kitchen, and having "
                     "the kids do homework there while dinner is made is exactly how these spaces work best. Add a "
                     "couple of sockets with USB chargers if you haven't already, and good lighting over the island, "
                     "so it works for homework as well as cooking. "
                     "Pendant lights on a dimmer let you switch between bright task light and a softer evening mood, and "
                     "stools with footrests are more comfortable for long homework sessions.")),
                    ("oak", "How do I look after the oak worktops?"),
                    ("oak_a", ("Oak worktops are beautiful but need regular care. Oil them before use, then every few weeks for "
                     "the first months, and every few months after that, using a worktop oil such as Danish oil. Wipe "
                     "up water quickly, especially around the sink and the tap, because standing water causes black "
                     "marks. Use chopping boards and trivets rather than cutting or putting hot pans directly on the "
                     "wood. Light scratches can be sanded out with fine sandpaper and re-oiled. Avoid harsh cleaning "
                     "products; warm soapy water is enough.")),
                ],
            ),
        ],
        [
            ("What kind of house did we buy, and where?", "A 1930s semi in Nottingham", ("house", "house_a"), 4),
            ("What was our budget for the kitchen?", "25,000 pounds, including appliances", ("budget", "budget_a", "total_a"), 4),
            ("Which wall did we want to knock through?", "The wall between the kitchen and the dining room",
             ("wall", "wall_a"), 4),
            ("Which hob did each of us want at first?", "Kofi wanted gas; the user preferred induction",
             ("hob", "hob_a"), 4),
            ("Who is our builder, and how did we find him?", "Darren, who built our neighbour's extension",
             ("darren", "darren_a"), 4),
            ("When did the structural engineer visit?", "Wednesday, 21 June 2023", ("engineer",), 2),
            ("What did the engineer say we need?", "A steel beam", ("engineer", "engineer_a"), 4),
            ("Which two kinds of cabinets were we choosing between?", ("A Howdens kitchen or a handmade one from a local "
             "joiner"), ("cabinets", "cabinets_a"), 4),
            ("When was the building work due to start?", "10 July 2023", ("start", "start_a"), 2),
            ("Why did the work stop in July?", "Asbestos was found in the old ceiling tiles",
             ("asbestos", "asbestos_a"), 4),
            ("When was the asbestos found?", "Tuesday, 11 July 2023", ("asbestos",), 2),
            ("How is the user cooking during the renovation?", "On a two-ring camping stove in the living room",
             ("camping", "camping_a"), 4),
            ("Who gave up their choice of hob, and what changed their mind?",
             "Kofi, who wanted gas, agreed to induction after trying one at his sister's house",
             ("hob", "hob_a", "induction", "induction_a"), 1),
            ("When was the kitchen finished?", "Friday, 4 August 2023", ("done",), 2),
            ("How far over budget did we go?", "2,200 pounds: 27,200 against 25,000", ("budget", "budget_a", "total", "total_a"), 1),
            ("What is my favourite part of the new kitchen?", "The island with the breakfast bar",
             ("island", "island_a"), 4),
            ("What are my worktops made of?", "Oak", ("oak", "oak_a"), 4),
        ],
    ),
    Chat(
        "chat-h06",
        [
            (
                "9:20 pm on 5 February, 2023",
                [
                    ("plan", ("My partner Jess and I want to do the North Coast 500 in a hired campervan this June. "
                     "Neither of us has driven anything that big.")),
                    ("plan_a", ("The North Coast 500 in a campervan is a fantastic trip, and June is a great month, "
                     "with long daylight hours. Since neither of you has driven a large vehicle, a few things help. "
                     "Choose a van under six metres if you can, which is much easier on the narrow roads. Many "
                     "stretches in the north-west are single-track with passing places: pull into a passing place "
                     "on your left, or wait opposite one on your right, to let oncoming traffic through, and let "
                     "faster cars overtake. Take it slowly at first, and swap drivers regularly so neither of you "
                     "gets too tired.")),
                    ("biscuit", "We're bringing our dog, Biscuit, a nervous whippet who hates the car."),
                    ("biscuit_a", ("A nervous whippet in a campervan needs a bit of preparation, but many dogs end up "
                     "loving van trips because their people are always close by. Get Biscuit used to car journeys "
                     "gradually before June: short trips to places he enjoys, like a beach or a park, with treats and "
                     "praise. Give him a secure, comfortable travel crate or a harness attached to a seatbelt, and a "
                     "familiar blanket. Whippets feel the cold, so pack a coat for him, even in June. Talk to your "
                     "vet about travel anxiety if it's severe.")),
                    ("dates", "We've got twelve days off work, from the 10th to the 21st of June."),
                    ("dates_a", ("Twelve days is a good length for the North Coast 500. The route itself is about 500 "
                     "miles, but the roads are slow and the scenery makes you want to stop, so plan on driving no "
                     "more than two or three hours a day. That leaves time for walks, beaches and rest days. Book "
                     "campsites for the busiest spots in advance, because June is popular, and leave a couple of "
                     "days unplanned for bad weather or places you fall in love with.")),
                    ("jess", "Jess is vegan, and I'm a terrible cook."),
                    ("jess_a", ("Campervan cooking is simple by necessity, which works in your favour. For vegan meals "
                     "that are hard to get wrong: pasta with a jar of good sauce and chickpeas, curries from a paste "
                     "and a tin of coconut milk, couscous salads, bean chilli, and porridge with fruit for breakfast. "
                     "Stock up on supplies in Inverness before you head north, as shops are sparse on the north and "
                     "west coasts and vegan options can be limited. Many cafés along the route now have vegan dishes, "
                     "so you won't have to cook every night.")),
                ],
            ),
            (
                "7:00 pm on 26 February, 2023",
                [
                    ("van", ("We booked the van yesterday from a company in Inverness. It's a converted Fiat Ducato "
                     "with a fixed bed.")),
                    ("van_a", ("A converted Fiat Ducato is a very common and reliable campervan base, and a fixed bed "
                     "means you don't have to make the bed up every night, which is great on a long trip. Picking it "
                     "up in Inverness is ideal, because that's where the route starts and finishes. When you collect "
                     "it, ask for a full walk-through of the gas, water, electrics and toilet, take photos of any "
                     "existing damage, and check the insurance excess.")),
                    ("skye", ("I also want to add a detour to the Isle of Skye, but the ferry to Harris looks "
                     "expensive.")),
                    ("skye_a", ("Skye is beautiful but gets very busy in June, and adding it to the North Coast 500 "
                     "means a long detour. The ferry to Harris is expensive for a campervan, so it's worth deciding "
                     "which island matters more to you. Harris has some of the most beautiful beaches in Scotland and "
                     "is quieter than Skye. Skye has the famous mountains and the Fairy Pools. With twelve days, you "
                     "probably have time for one island, not both.")),
                    "Everyone warns me about midges. How bad are they?",
                    ("Midges can be truly unpleasant in the Highlands, especially on still, damp evenings and near "
                    "water, from late May to September. They're tiny biting insects that come out in clouds. The good "
                    "news: they're much less of a problem in wind and bright sunshine, so coastal spots with a breeze "
                    "are better. Bring a repellent like Smidge, which works well, a head net for evenings, and fit "
                    "mesh screens on the van's windows and doors. Check the midge forecast online before choosing "
                    "where to stay."),
                    ("suilven", "I'd really like to climb Suilven. Jess is less keen on long hikes."),
                    ("suilven_a", ("Suilven is one of the most spectacular mountains in Scotland, and climbing it is a "
                     "great goal. It's a long day, about 20 kilometres and eight to ten hours from Glencanisp, with "
                     "a steep final climb, so you need good weather and an early start. Since Jess isn't keen on long "
                     "hikes, she could spend the day at one of the nearby beaches, like Achmelvich, with Biscuit. "
                     "Tell someone your route and time, and bring a map and compass, because phone signal is poor.")),
                ],
            ),
            (
                "8:40 pm on 2 April, 2023",
                [
                    ("clockwise", ("We've decided to go clockwise, starting in Inverness and going up the east coast "
                     "first.")),
                    ("clockwise_a", ("Going clockwise from Inverness up the east coast is a good choice. The east coast "
                     "roads are easier and wider, which gives you time to get used to the van before the narrow, "
                     "winding west coast. It also saves the most dramatic scenery for the second half of the trip. "
                     "One tip: the Bealach na Bà pass to Applecross is very steep and not recommended for large vans "
                     "or nervous drivers, so take the coastal road instead.")),
                    ("ferry", "We booked the ferry from Ullapool to Stornoway for the 15th of June and skipped Skye."),
                    ("ferry_a", ("Ullapool to Stornoway on 15 June is a great way to include the Outer Hebrides. The "
                     "crossing is about two and a half hours, and the ferry has space for dogs in designated areas. "
                     "From Stornoway, you can drive to the beaches of Harris, like Luskentyre. Skipping Skye makes "
                     "sense; it's easier to enjoy a few places properly than to rush.")),
                    ("lesson", "I did a driving lesson in a big van on Saturday to practise."),
                    ("lesson_a", ("That's a really sensible idea. A lesson in a large van will help you get used to its "
                     "width, blind spots and braking distances before the trip. Practise reversing with the mirrors, "
                     "because you'll need to do it on single-track roads, and get used to judging the width of the van "
                     "in narrow spaces. Ask Jess to try it too, so you can share the driving.")),
                    ("calming", "The vet gave us some calming tablets for Biscuit for the long drives."),
                    ("calming_a", ("Good to have them on hand. Try Biscuit on the calming tablets on a short trip at home "
                     "first, to see how he reacts and how long they take to work. Combine them with the other things "
                     "that help: a familiar blanket, regular breaks every couple of hours for a walk and a drink, and "
                     "not feeding him right before driving. Check with the vet how often he can take them.")),
                ],
            ),
            (
                "6:15 pm on 25 June, 2023",
                [
                    ("dolphins", ("We're back! The highlight was seeing dolphins at Chanonry Point on our first "
                     "morning.")),
                    ("dolphins_a", ("What a start to a trip. Chanonry Point is one of the best places in Europe to see "
                     "bottlenose dolphins from land, and seeing them on the first morning must have set the tone for "
                     "everything else. Welcome back. It's nice to write down your favourite moments while they're "
                     "fresh, and to sort your photos before they disappear into your phone forever.")),
                    ("climbed", "I climbed Suilven on my own while Jess and Biscuit stayed on the beach at Achmelvich."),
                    ("climbed_a", ("Congratulations on climbing Suilven, a real achievement. And it sounds like Jess "
                     "and Biscuit had the better deal on the beach at Achmelvich, one of the loveliest beaches in "
                     "the north-west. That kind of compromise is what makes trips work for everyone. Suilven rewards a clear day with views "
                     "over lochs and isolated peaks that look almost unreal. If you enjoyed it, the nearby Assynt "
                     "mountains, like Quinag and Stac Pollaidh, are good next challenges, and Stac Pollaidh is short "
                     "enough that Jess might enjoy it too.")),
                    ("scrape", ("I scraped the side of the van on a stone wall near Durness. The repair cost us 400 "
                     "pounds out of the deposit.")),
                    ("scrape_a", ("That's frustrating, but don't be too hard on yourself: stone walls on narrow "
                     "Highland roads catch out many campervan drivers, and 400 pounds is a fairly typical repair "
                     "cost. Check that the hire company gives you an itemised invoice for the repair. If you plan "
                     "another campervan trip, consider excess insurance, which can cover this kind of damage for a "
                     "small fee.")),
                    "Where should we go next year?",
                    ("If you loved the North Coast 500, there are several options. The Outer Hebrides in more depth, "
                    "from Lewis down to Barra, would give you more beaches and quiet roads. Northumberland and the "
                    "Scottish Borders are closer and easier to drive. For a change, Norway's fjords are spectacular "
                    "in a campervan, with well-equipped campsites. Ireland's Wild Atlantic Way offers similar coastal "
                    "scenery. Think about what you enjoyed most, whether it was hiking, beaches or wildlife, and "
                    "plan around that."),
                ],
            ),
        ],
        [
            ("What trip were we planning, and in what vehicle?", "The North Coast 500, in a hired campervan",
             ("plan", "plan_a"), 4),
            ("What is my partner's name, and what does she eat?", "Jess, who is vegan", ("plan", "plan_a", "jess", "jess_a"), 1),
            ("What kind of dog do we have, and how does he feel about car journeys?",
             "Biscuit, a nervous whippet who hates the car", ("biscuit", "biscuit_a"), 4),
            ("How many days off work did we have for the trip?", "Twelve, from 10 to 21 June", ("dates", "dates_a"), 4),
            ("When did the user book the campervan?", "25 February 2023", ("van",), 2),
            ("What kind of campervan did we hire, and where from?",
             "A converted Fiat Ducato with a fixed bed, from a company in Inverness", ("van", "van_a"), 4),
            ("Which mountain did I want to climb?", "Suilven", ("suilven", "suilven_a"), 4),
            ("Which way round did we drive the route, and where did we start?", ("Clockwise, from Inverness up the east "
             "coast"), ("clockwise", "clockwise_a"), 4),
            ("Which ferry did we book, and for which day?", "Ullapool to Stornoway, on 15 June",
             ("ferry", "ferry_a"), 4),
            ("Did we go to Skye in the end?", "No: we skipped Skye and took the ferry to Stornoway instead",
             ("skye", "skye_a", "ferry", "ferry_a"), 1),
            ("When did I practise driving a big van?", "Saturday, 1 April 2023", ("lesson",), 2),
            ("What did the vet give us for our dog?", "Calming tablets for long drives", ("calming", "calming_a"), 4),
            ("On what date did we see dolphins at Chanonry Point?", "10 June 2023, the first morning of the trip",
             ("dates", "dolphins", "dolphins_a"), 2),
            ("What did Jess do while I climbed the mountain?", "She stayed on the beach at Achmelvich with Biscuit",
             ("climbed", "climbed_a"), 4),
            ("How did the user damage the van, and what did it cost?",
             "Scraped it on a stone wall near Durness; 400 pounds from the deposit", ("scrape", "scrape_a"), 4),
        ],
    ),
    Chat(
        "chat-h07",
        [
            (
                "10:00 am on 1 October, 2023",
                [
                    ("shadow", ("Our old collie, Shadow, died in the spring at fifteen, and we're finally ready for "
                     "another dog.")),
                    ("shadow_a", ("I'm sorry about Shadow. Fifteen is a long and well-loved life for a collie, and it's "
                     "natural to take time before being ready for another dog. A new dog won't replace him, and it "
                     "helps to expect a different personality rather than looking for the same one. Think about what "
                     "kind of dog would suit your life now, which may be different from when Shadow joined you: "
                     "energy level, size, age, and how much time you have for training. An adult rescue dog often "
                     "has a more predictable temperament than a puppy.")),
                    ("flat", ("We live in a ground-floor flat with a small garden in Brighton, and I work from home "
                     "three days a week.")),
                    ("flat_a", ("A ground-floor flat with a garden in Brighton is a good setup for a dog, and working "
                     "from home three days a week means the dog won't be alone for long on those days. For the other "
                     "two days, plan how the dog will be looked after: a dog walker, a neighbour, or a doggy day care. "
                     "Most rescues prefer that dogs aren't left alone for more than four hours. A small garden is "
                     "great for toilet breaks but doesn't replace walks, especially near the Downs and the beach.")),
                    ("alfie", "My partner Sam and I have a six-year-old, Alfie, who's desperate for a dog."),
                    ("alfie_a", ("A dog can be a wonderful companion for Alfie, and at six he's old enough to learn how "
                     "to behave around dogs and help with simple tasks, like filling the water bowl. Teach him a few "
                     "rules early: leave the dog alone when it's eating or sleeping, don't hug it around the neck, "
                     "and let the dog come to him. Always supervise them together at first. Rescues usually want to "
                     "meet the whole family, including Alfie, before placing a dog.")),
                    ("rescue", "We've applied to adopt from the Downs Dog Rescue."),
                    ("Applying to a rescue is a great step. Most rescues follow a similar process: an application form "
                    "about your home, work and experience, a phone chat, meeting some dogs who might suit you, a "
                    "home check to see where the dog will live, and then a trial or adoption. It can take a few weeks, "
                    "so be patient. Be honest in your application about your routine and Alfie's age, because the "
                    "rescue wants a good match as much as you do. Ask about the support they offer after adoption, "
                    "as many have behaviourists you can call."),
                ],
            ),
            (
                "9:30 pm on 22 October, 2023",
                [
                    ("mabel", "We met a dog yesterday: a three-year-old greyhound-lurcher cross called Mabel."),
                    ("mabel_a", ("How exciting! A three-year-old greyhound-lurcher cross like Mabel can be an ideal "
                     "family dog. Lurchers are usually gentle, affectionate and surprisingly lazy at home, happy with "
                     "a couple of good walks and a comfy sofa. At three, her personality is mostly settled, so what "
                     "you saw is close to what you'll get. Ask the rescue about her history, her behaviour with other "
                     "dogs and children, and how she copes with being alone.")),
                    ("small", "The rescue said she's fine with children but can't be trusted with small animals."),
                    ("small_a", ("That's very common for lurchers and greyhounds, because many were bred to chase, and "
                     "it's good the rescue has told you honestly. Being fine with children is the most important thing "
                     "for your family. For small animals, it means keeping Mabel on the lead in places with squirrels, "
                     "rabbits or cats, and being careful if friends visit with small pets. Many owners use a muzzle on "
                     "walks in busy areas as a precaution.")),
                    ("homecheck", "We have a home check on Wednesday."),
                    ("homecheck_a", ("Home checks are usually friendly, so don't worry. The rescue mainly wants to see "
                     "that the home is safe and suitable. They'll look at the garden fence and gates, where Mabel will "
                     "sleep, and any hazards. They may ask about your routine and your plans for the days you're not "
                     "at home. Have Sam and Alfie there if you can, and prepare a couple of questions of your own "
                     "about Mabel's routine.")),
                    ("fence", "They said our garden fence needs to be at least five feet high for a lurcher."),
                    ("fence_a", ("Five feet is a common requirement for lurchers, because many can jump surprisingly "
                     "high when they see something worth chasing. Check the whole fence for gaps and weak panels, "
                     "including at the bottom, as some dogs dig or squeeze through small holes. Trellis on top of "
                     "an existing fence is a cheap way to add height. Make sure gates close automatically or have a "
                     "secure latch, and ask visitors to close them.")),
                ],
            ),
            (
                "7:20 pm on 12 November, 2023",
                [
                    ("home", "Mabel has been home for just over a week now. We picked her up on the 4th."),
                    ("home_a", ("Congratulations on your first week with Mabel! The first few weeks are an adjustment period for "
                     "a rescue dog, often described as the 'three, three, three' rule: three days to decompress, "
                     "three weeks to learn the routine, and three months to feel at home. Keep things calm and "
                     "predictable, with regular meal and walk times, and don't worry if she seems quiet or unsure. "
                     "Her true personality will come out gradually.")),
                    ("scared", "She's scared of the stairs at the vet and the sound of the bin lorry."),
                    ("scared_a", ("Fears like these are common in rescue dogs, and greyhounds especially often find "
                     "stairs strange if they've never lived in a house. Don't force her; instead, pair the scary "
                     "thing with something nice. Practise on a few steps with treats, one step at a time. For the bin "
                     "lorry, give her a chew or a treat when she hears it, and keep her in a quiet room on bin day. "
                     "Over time, she'll learn to expect something good rather than something scary.")),
                    "She sleeps on the sofa all day. Is that normal?",
                    ("Completely normal. Greyhounds and lurchers are famous for being 'forty-mile-an-hour couch "
                    "potatoes': they can sleep up to eighteen hours a day. They're sprinters, not endurance dogs, so "
                    "they need short bursts of exercise and lots of rest. Give her a comfortable bed of her own if you "
                    "don't want her on the sofa all the time, as their thin skin and lack of body fat mean they like "
                    "soft surfaces. If she seems lethargic when she's awake or stops eating, talk to the vet."),
                    "Should I let her off the lead on the beach?",
                    ("Not yet. With sighthounds like lurchers, recall can be difficult, because if they see something "
                    "to chase, instinct often wins, and they're very fast. Work on recall in a secure, fenced space "
                    "first, using high-value treats, and only try a long training lead in open spaces. Many owners "
                    "use secure dog fields, which can be hired by the hour, for safe off-lead running. Wait until "
                    "she's settled and her recall is reliable, and even then, be careful near roads and wildlife."),
                ],
            ),
            (
                "5:45 pm on 3 December, 2023",
                [
                    ("murmur", "The vet found she has a heart murmur, but it's mild, nothing to treat yet."),
                    ("murmur_a", ("It's reassuring that it's mild. Heart murmurs are fairly common, and many dogs with a "
                     "mild murmur live normal lives without treatment. Ask the vet how often they want to check it, "
                     "and which signs to watch for, such as coughing, tiring quickly on walks, or breathing fast at "
                     "rest. Keep Mabel at a healthy weight, and make a note of the murmur for your insurance.")),
                    ("insurance", "We've got pet insurance with a 250 pound excess."),
                    ("insurance_a", ("Good to have insurance in place. With a 250 pound excess, you'll pay the first 250 "
                     "pounds of each claim, so it's mainly there for larger bills. Check whether the murmur will be "
                     "treated as a pre-existing condition, since it was found after you took out the policy, and read "
                     "how the policy covers ongoing conditions. Lifetime policies usually cover long-term conditions "
                     "year after year, while other types don't.")),
                    ("class", "We started a training class at the village hall on Tuesday evenings."),
                    ("class_a", ("A Tuesday evening class at the village hall is a great way to build Mabel's "
                     "confidence and your bond. Group classes help with socialising around other dogs and people in a "
                     "controlled setting. Practise a few minutes each day at home between classes, and take Alfie "
                     "to a class if the trainer allows it, so he learns the commands too.")),
                    ("reads", "Alfie reads to her every night before bed, and she lies next to him."),
                    ("reads_a", ("That's lovely. Reading to a calm dog is great for children's confidence in reading, "
                     "and Mabel seems to enjoy the company. It's a sign that she's settling in and trusts Alfie. "
                     "Keep supervising them, but it sounds like the start of a great friendship. "
                     "Some libraries and schools run reading-to-dogs schemes, because children who feel self-conscious "
                     "reading aloud to people often relax with a dog. A calm routine like this also helps a rescue dog "
                     "settle, since she learns to expect quiet time before bed.")),
                ],
            ),
        ],
        [
            ("What was the name and breed of our previous dog?", "Shadow, a collie", ("shadow", "shadow_a"), 4),
            ("How old was Shadow when he died?", "Fifteen", ("shadow", "shadow_a"), 4),
            ("Where do we live, and how many days do I work from home?",
             "A ground-floor flat with a small garden in Brighton; three days a week", ("flat", "flat_a"), 4),
            ("How old is the user's child, and what is his name?", "Alfie, six", ("alfie", "alfie_a"), 4),
            ("Which rescue did we apply to?", "The Downs Dog Rescue", ("rescue",), 4),
            ("When did we first meet Mabel?", "21 October 2023", ("mabel",), 2),
            ("What kind of dog is Mabel, and how old is she?", "A three-year-old greyhound-lurcher cross",
             ("mabel", "mabel_a"), 4),
            ("What did the rescue say about Mabel and small animals?", "She can't be trusted with them",
             ("small", "small_a"), 4),
            ("When was our home check?", "Wednesday, 25 October 2023", ("homecheck",), 2),
            ("How high does our garden fence need to be?", "At least five feet", ("fence", "fence_a"), 4),
            ("When did Mabel come home with us?", "4 November 2023", ("home",), 2),
            ("What is my new dog scared of?", "The stairs at the vet and the sound of the bin lorry",
             ("scared", "scared_a"), 4),
            ("What did the vet find?", "A mild heart murmur, nothing to treat yet", ("murmur", "murmur_a"), 4),
            ("What is the excess on our pet insurance?", "250 pounds", ("insurance", "insurance_a"), 4),
            ("When are Mabel's training classes?", "Tuesday evenings, at the village hall", ("class", "class_a"), 4),
            ("What does my six-year-old do with the dog every night?", "Alfie reads to Mabel before bed",
             ("alfie", "alfie_a", "reads", "reads_a"), 1),
            ("What were the names of the user's two dogs?", "Shadow, the old collie, and Mabel",
             ("shadow", "shadow_a", "mabel", "mabel_a"), 1),
        ],
    ),
    Chat(
        "chat-h08",
        [
            (
                "8:00 pm on 8 January, 2023",
                [
                    ("income", ("I'm 29, I work as a junior architect earning 34,000, and I want to finally sort my "
                     "money out.")),
                    ("income_a", ("Great decision, and 29 is a very good age to start, because the habits you build now "
                     "compound for decades. On 34,000 as a junior architect, your take-home pay is roughly 2,300 a "
                     "month after tax, National Insurance and a basic pension contribution, depending on your student "
                     "loan plan. The first step is to get a clear picture: list your income, your fixed costs, your "
                     "debts with their interest rates, and your savings. Don't judge yourself for what you find; the "
                     "point is just to see where you are.")),
                    ("debts", ("I have 4,200 on a credit card at 22 percent and a car loan with 3,100 left at 7 "
                     "percent.")),
                    ("debts_a", ("Thanks, that's useful. The credit card at 22 percent is clearly the priority: 4,200 "
                     "at that rate costs you around 900 pounds a year in interest if you only make minimum payments. "
                     "The car loan at 7 percent is much cheaper, so keep paying it as agreed. This is the 'avalanche' "
                     "approach: pay the minimum on everything and put every extra pound towards the debt with the "
                     "highest interest rate. Stop using the credit card for new spending while you pay it down.")),
                    ("rent", "My rent is 950 a month for a room in a shared house in Bristol."),
                    ("rent_a", ("950 a month for a room in Bristol is unfortunately typical, and it's likely your "
                     "biggest expense, probably around 40 percent of your take-home pay. It's worth checking whether "
                     "bills are included, because that changes the picture. Rent is hard to cut quickly, so for now "
                     "focus on the costs you can change, but keep it in mind if your tenancy comes up for renewal.")),
                    ("savings", "I've got about 800 pounds in savings, which isn't much."),
                    ("savings_a", ("800 pounds is a start, and it's better than many people have. Keep it as a small "
                     "emergency buffer, so that an unexpected bill doesn't go on the credit card. Once the card is "
                     "paid off, build an emergency fund of three to six months' essential spending in an easy-access "
                     "savings account. Until then, aim for a buffer of around 1,000 pounds and put everything else "
                     "into the high-interest debt.")),
                ],
            ),
            (
                "7:45 pm on 29 January, 2023",
                [
                    ("app", "I set up a budgeting app on Monday and tracked everything."),
                    ("app_a", ("Well done. Tracking everything, even for a week, is eye-opening. Budgeting apps that "
                     "connect to your bank accounts make it much easier to see patterns. Give each transaction a "
                     "category, and check the totals at the end of the month rather than every day. Many people find "
                     "that a few categories, like eating out or subscriptions, account for most of the surprises.")),
                    ("takeaways", "It turns out I spent 310 pounds on takeaways and coffee last month."),
                    ("takeaways_a", ("310 pounds a month on takeaways and coffee is very common, and it's a good place "
                     "to find money for the credit card without feeling deprived. Rather than cutting it to zero, set "
                     "a realistic target, like 150 pounds, and move the difference to the card as soon as you're "
                     "paid. Small changes help, such as a reusable cup and coffee at home on weekdays, or batch "
                     "cooking a couple of meals at the weekend.")),
                    ("transfer", "Should I move the credit card balance to a 0 percent balance transfer card?"),
                    ("A 0 percent balance transfer can be a great move, as long as you use it carefully. It moves your "
                    "debt to a new card that charges no interest for a set period, usually between 12 and 24 months, "
                    "in exchange for a one-off fee of around 2 to 4 percent. To make it work: divide the balance by "
                    "the number of interest-free months and pay at least that each month, so it's cleared before the "
                    "rate goes up; never miss a payment, because that can end the deal; and don't use the new card or "
                    "the old one for spending. Use an eligibility checker first to avoid hurting your credit score."),
                ],
            ),
            (
                "9:15 pm on 19 February, 2023",
                [
                    ("approved", ("I got approved for a balance transfer card with 0 percent for 20 months. The fee "
                     "was 3 percent.")),
                    ("approved_a", ("That's a very good deal. With a 3 percent fee on 4,200, you've paid about 126 "
                     "pounds, far less than a year of interest at 22 percent. To clear it within the 20 months, you "
                     "need to pay around 216 pounds a month. Set up a direct debit for that amount, not the minimum, "
                     "and note the date the 0 percent period ends in your calendar. Consider cutting up the old card "
                     "or at least removing it from your online shopping accounts.")),
                    ("pension", ("My employer matches pension contributions up to 5 percent, but I only put in 3 "
                     "percent.")),
                    ("pension_a", ("Your employer matching up to 5 percent means that by putting in only 3 percent, "
                     "you're leaving free money on the table. Raising your contribution to 5 percent would cost you "
                     "less than you think, because of tax relief, and your employer would add the same amount. That's "
                     "an instant 100 percent return that no savings account or investment can match. Ask your HR or "
                     "payroll team how to change it; it's usually a quick form.")),
                    ("deposit", ("My big goal is a deposit for a flat, ideally within four years. My sister bought hers "
                     "last year with a Lifetime ISA.")),
                    ("deposit_a", ("A flat deposit in four years is a great goal, and your sister's Lifetime ISA is a "
                     "good example to follow. You can open a LISA if you're between 18 and 39, and pay in up to 4,000 "
                     "a year; the government adds a 25 percent bonus, up to 1,000 a year. It can be used for a first "
                     "home costing up to 450,000, or for retirement after 60. The account must be open for at least a "
                     "year before you use it to buy, so open it soon, even with a small amount.")),
                ],
            ),
            (
                "6:30 pm on 19 March, 2023",
                [
                    ("raise", "I got a pay rise yesterday! I'm now on 37,500."),
                    ("raise_a", ("Congratulations! Going from 34,000 to 37,500 is a good jump. The best thing to do "
                     "with a pay rise is to decide where it goes before you get used to it. After tax and National "
                     "Insurance, it's roughly 200 more a month. You could split it, for example, between raising your "
                     "pension contribution to get the full employer match, a deposit savings account, and a little "
                     "extra for yourself, so that the rise feels like a reward.")),
                    ("lisa", "I opened a Lifetime ISA, and I'll put in 200 a month."),
                    ("lisa_a", ("Great. With 200 a month, you'll pay in 2,400 a year, and the government bonus will add "
                     "600, giving you 3,000 a year before any interest or growth. Over four years, that's about "
                     "12,000. Set up a standing order for the day after payday, so you never see the money. Keep the "
                     "withdrawal rules in mind: if you take the money out for anything other than a first home or "
                     "retirement, you lose the bonus and pay a penalty.")),
                    ("car", "I'm wondering whether to sell my car. I only use it at weekends."),
                    ("car_a", ("It's worth doing the maths. Add up the yearly costs of keeping the car: loan payments, insurance, "
                     "road tax, MOT, servicing, parking, fuel and depreciation. For a car used only at weekends, that "
                     "often comes to 2,000 to 3,000 pounds a year. Then estimate what you'd spend without it: car club "
                     "hire, occasional rentals, trains and taxis. In a city like Bristol, many people find they're "
                     "better off without a car. If the car is worth more than the loan balance, selling it could also "
                     "clear that debt.")),
                ],
            ),
            (
                "8:50 pm on 30 April, 2023",
                [
                    ("sold", "I sold the car last weekend and used the money to pay off the car loan."),
                    ("sold_a", ("That's a big step. Paying off the car loan means one debt completely gone, and you no "
                     "longer pay insurance, tax and running costs. Check that the lender confirms the loan is closed "
                     "and that you get a settlement letter. Cancel the car insurance and get a refund for the unused "
                     "months. Now put the money you were paying on the loan to work.")),
                    ("card", "The credit card balance is down to 3,300."),
                    ("card_a", ("Down to 3,300 is great progress in just a few months, and with 0 percent interest, "
                     "every pound you pay reduces the debt. Keep your direct debit going, and consider adding a "
                     "little more each month now that the car loan is gone, so you clear it well before the 0 percent "
                     "period ends. "
                     "Check your statement each month to make sure the payments are going where you expect, and set a "
                     "reminder two months before the promotional period ends, so you have time to clear or move any "
                     "remaining balance.")),
                    "What should I do with the money I was paying on the car loan?",
                    ("This is where you can speed up everything. A sensible order: first, top up your emergency "
                    "buffer to at least one month of expenses. Then split the freed-up money between the credit card, "
                    "to clear it sooner and be safe when the 0 percent period ends, and your deposit savings. If you "
                    "haven't already, increase your pension contribution to get the full employer match. Set up the "
                    "transfers automatically on payday, so you don't have to think about them, and review your "
                    "progress every few months."),
                ],
            ),
        ],
        [
            ("How old am I, and what is my job?", "29, a junior architect", ("income", "income_a"), 4),
            ("What was my salary at the start of the year?", "34,000", ("income", "income_a", "raise_a"), 4),
            ("What debts did the user have, and at what interest rates?",
             "4,200 on a credit card at 22 percent and a car loan with 3,100 left at 7 percent",
             ("debts", "debts_a", "approved_a"), 4),
            ("How much is my rent, and what kind of place is it?", "950 a month for a room in a shared house in Bristol",
             ("rent", "rent_a"), 4),
            ("How much did I have in savings in January?", "About 800 pounds", ("savings", "savings_a"), 4),
            ("When did I set up my budgeting app?", "Monday, 23 January 2023", ("app",), 2),
            ("How much did I spend on takeaways and coffee in a month?", "310 pounds", ("takeaways", "takeaways_a"), 4),
            ("What are the terms of my balance transfer card?", "0 percent for 20 months with a 3 percent fee",
             ("approved", "approved_a"), 4),
            ("How much does my employer match on pension contributions, and how much do I pay in?",
             "Up to 5 percent; the user pays 3 percent", ("pension", "pension_a"), 4),
            ("What is my big savings goal, and how did my sister do it?",
             "A flat deposit within four years; my sister used a Lifetime ISA", ("deposit", "deposit_a"), 4),
            ("When did I get a pay rise?", "18 March 2023", ("raise",), 2),
            ("How much did my salary go up?", "3,500, from 34,000 to 37,500", ("income", "income_a", "raise", "raise_a"), 1),
            ("How much am I paying into my Lifetime ISA each month?", "200 pounds", ("lisa", "lisa_a"), 4),
            ("How often do I use my car?", "Only at weekends", ("car", "car_a"), 4),
            ("When did I sell my car?", "The weekend before 30 April 2023 (22-23 April)", ("sold",), 2),
            ("Which of my debts is fully paid off, and how?",
             "The car loan, which had 3,100 left at 7 percent, paid off by selling the car", ("debts", "debts_a", "sold", "sold_a"), 1),
            ("How much has my credit card balance gone down?", "900 pounds, from 4,200 to 3,300",
             ("debts", "debts_a", "card", "card_a"), 1),
        ],
    ),
]


# --------------------------------------------------------------------------- building the files


class AuthoringError(ValueError):
    """The hand-written data above breaks one of the shape rules."""


def build_facts(name: str, users: Sequence[FactUser], prefix: str) -> dict:
    """The facts file's object. Users and each user's facts are shuffled by a generator
    seeded from SEED and the split's name, so editing one split leaves the other's order
    (and its fact ids) as it was."""
    rng = random.Random(f"{name}:{SEED}")
    order = list(users)
    rng.shuffle(order)
    out = []
    for number, user in enumerate(order, start=1):
        user_id = f"{prefix}{number:02d}"
        where = f"{name}: user {user.name or '(no name)'} ({user_id})"
        low, high = FACTS_PER_USER
        if not low <= len(user.facts) <= high:
            raise AuthoringError(f"{where}: {len(user.facts)} facts, expected {low}-{high}")
        labels = list(user.facts)
        rng.shuffle(labels)
        ids = {label: f"{user_id}:f{n}" for n, label in enumerate(labels, start=1)}
        questions = []
        for question, evidence, category in user.questions:
            labels_q = (evidence,) if isinstance(evidence, str) else tuple(evidence)
            missing = [e for e in labels_q if e not in ids]
            if missing:
                raise AuthoringError(f"{where}: {question!r} names unknown facts {missing}")
            if category not in FACT_CATEGORIES or not 1 <= len(labels_q) <= 2:
                raise AuthoringError(f"{where}: {question!r}: category {category}, {len(labels_q)} evidence facts")
            evidence_ids = sorted((ids[e] for e in labels_q), key=lambda i: int(i.rsplit("f", 1)[1]))
            questions.append({"question": question, "evidence": evidence_ids, "category": category})
        out.append({
            "user_id": user_id,
            "name": user.name,
            "facts": [{"id": ids[label], "text": user.facts[label]} for label in labels],
            "questions": questions,
        })
    return {"name": name, "users": out}


def build_chats(name: str, chats: Sequence[Chat]) -> list:
    """The LoCoMo-format list: dia_ids ``D<session>:<turn>``, user on odd turns."""
    samples = []
    for chat in chats:
        where = f"{name}: {chat.sample_id}"
        low, high = SESSIONS_PER_CHAT
        if not low <= len(chat.sessions) <= high:
            raise AuthoringError(f"{where}: {len(chat.sessions)} sessions, expected {low}-{high}")
        conversation: dict[str, object] = {"speaker_a": "user", "speaker_b": "assistant"}
        ids: dict[str, str] = {}
        position: dict[str, tuple[int, int]] = {}
        for s_number, (date, turns) in enumerate(chat.sessions, start=1):
            low, high = TURNS_PER_SESSION
            if not low <= len(turns) <= high:
                raise AuthoringError(f"{where} session {s_number}: {len(turns)} turns, expected {low}-{high}")
            rows = []
            for t_number, turn in enumerate(turns, start=1):
                label, text = turn if isinstance(turn, tuple) else (None, turn)
                dia_id = f"D{s_number}:{t_number}"
                if label is not None:
                    if label in ids:
                        raise AuthoringError(f"{where}: label {label!r} used twice")
                    ids[label] = dia_id
                    position[dia_id] = (s_number, t_number)
                rows.append({"speaker": "user" if t_number % 2 else "assistant", "dia_id": dia_id, "text": text})
            conversation[f"session_{s_number}_date_time"] = date
            conversation[f"session_{s_number}"] = rows
        qa = []
        for question, answer, evidence, category in chat.qa:
            missing = [e for e in evidence if e not in ids]
            if missing:
                raise AuthoringError(f"{where}: {question!r} names unknown turns {missing}")
            if category not in CHAT_CATEGORIES or (category == 1 and not _spans_facts(evidence, ids)):
                raise AuthoringError(f"{where}: {question!r}: category {category} with evidence {evidence}")
            turns_q = sorted({ids[e] for e in evidence}, key=position.__getitem__)
            if not any(position[d][1] % 2 for d in turns_q):
                raise AuthoringError(f"{where}: {question!r} has no user turn in its evidence")
            qa.append({"question": question, "answer": answer, "evidence": turns_q, "category": category})
        samples.append({"sample_id": chat.sample_id, "conversation": conversation, "qa": qa})
    return samples


def _spans_facts(evidence: Sequence[str], ids: dict[str, str]) -> bool:
    """True when the evidence holds two or more user turns (a multi-hop question's mark;
    an assistant turn restating the one user turn does not count)."""
    user_turns = {ids[e] for e in evidence if int(ids[e].split(":")[1]) % 2}
    return len(user_turns) >= 2


def render() -> dict[str, str]:
    """File name -> exact text of each of the four files."""
    objects = {
        "facts_dev.json": build_facts("facts_dev", FACTS_DEV, "u"),
        "facts_holdout.json": build_facts("facts_holdout", FACTS_HOLDOUT, "h"),
        "chats_dev.json": build_chats("chats_dev", CHATS_DEV),
        "chats_holdout.json": build_chats("chats_holdout", CHATS_HOLDOUT),
    }
    return {name: json.dumps(obj, ensure_ascii=False, indent=1) + "\n" for name, obj in objects.items()}


def summary(texts: dict[str, str]) -> list[str]:
    """One line per file: users or conversations, items, questions per category."""
    lines = []
    for name, text in texts.items():
        data = json.loads(text)
        if name.startswith("facts"):
            qs = [q for u in data["users"] for q in u["questions"]]
            items = sum(len(u["facts"]) for u in data["users"])
            head = f"{len(data['users'])} users, {items} facts"
        else:
            qs = [q for s in data for q in s["qa"]]
            turns = sum(len(v) for s in data for k, v in s["conversation"].items()
                        if k.startswith("session_") and isinstance(v, list))
            head = f"{len(data)} conversations, {turns} turns"
        cats = Counter(q["category"] for q in qs)
        lines.append(f"{name}: {head}, {len(qs)} questions "
                     f"({', '.join(f'cat {c}: {n}' for c, n in sorted(cats.items()))})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write to (default tests/data)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the files differ")
    args = parser.parse_args(argv)
    texts = render()
    if args.check:
        stale = [n for n, t in texts.items() if not (args.out / n).is_file()
                 or (args.out / n).read_text(encoding="utf-8") != t]
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (args.out / name).write_text(text, encoding="utf-8")
    for line in summary(texts):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
