// An OpenAI-compatible chat completions server on llama.cpp (through node-llama-cpp), for
// agentmem's tests and benchmarks: POST /v1/chat/completions (response_format json_schema or
// json_object turns into a grammar; usage counts the tokens), GET /v1/models, GET /health,
// GET /stats (requests and tokens since start).
//
//   node server.mjs --model FILE.gguf [--host 127.0.0.1] [--port 0] [--parallel 4] [--threads 2]
//                   [--ctx 16384]
//
// With --port 0 a free port is taken; the first line written to stdout is
// "listening http://HOST:PORT" once the model is loaded, so a caller can wait on it.

import http from "node:http";
import {getLlama, LlamaChat} from "node-llama-cpp";

function args(argv) {
    const out = {host: "127.0.0.1", port: 0, parallel: 4, threads: 2, ctx: 16384, model: null};
    for (let i = 2; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, "");
        if (!(key in out)) throw new Error(`unknown option --${key}`);
        out[key] = typeof out[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
    }
    if (!out.model) throw new Error("--model FILE.gguf is required");
    return out;
}

const opts = args(process.argv);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath: opts.model});
const context = await model.createContext({
    contextSize: opts.ctx, sequences: opts.parallel, threads: opts.threads, batchSize: 512,
});
const modelName = opts.model.split("/").pop().replace(/\.gguf$/, "");

// One chat per sequence: a request waits for a free one (the context batches what runs together).
const free = [];
for (let i = 0; i < opts.parallel; i++) free.push(context.getSequence());
const waiting = [];
function take() {
    if (free.length) return Promise.resolve(free.pop());
    return new Promise((resolve) => waiting.push(resolve));
}
function give(seq) {
    const next = waiting.shift();
    if (next) next(seq); else free.push(seq);
}

// Totals since start (GET /stats): what a benchmark reads before and after a run, so the calls
// and tokens of every client of this server are counted the same way.
const totals = {requests: 0, prompt_tokens: 0, completion_tokens: 0, seconds: 0, failed: 0};

const grammars = new Map();
async function grammarFor(format) {
    if (!format || format.type === "text") return undefined;
    let key, make;
    if (format.type === "json_object") {
        key = "json";
        make = () => llama.getGrammarFor("json");
    } else if (format.type === "json_schema") {
        const schema = format.json_schema?.schema;
        if (!schema || typeof schema !== "object") throw new HttpError(400, "response_format.json_schema.schema is required");
        key = JSON.stringify(schema);
        make = () => llama.createGrammarForJsonSchema(schema);
    } else {
        throw new HttpError(400, `response_format.type ${JSON.stringify(format.type)} is not supported`);
    }
    if (!grammars.has(key)) grammars.set(key, await make());
    return grammars.get(key);
}

class HttpError extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}

function history(messages) {
    if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, "messages must be a non-empty list");
    const out = [];
    for (const m of messages) {
        const text = typeof m.content === "string" ? m.content
            : Array.isArray(m.content) ? m.content.map((p) => p.text ?? "").join("") : "";
        if (m.role === "system" || m.role === "developer") out.push({type: "system", text});
        else if (m.role === "assistant") out.push({type: "model", response: [text]});
        else out.push({type: "user", text});
    }
    out.push({type: "model", response: []});
    return out;
}

function promptTokens(chat, chatHistory) {
    try {
        const {contextText} = chat.chatWrapper.generateContextState({chatHistory});
        return contextText.tokenize(model.tokenizer).length;
    } catch {
        return null;
    }
}

async function complete(body) {
    const grammar = await grammarFor(body.response_format);
    const chatHistory = history(body.messages);
    const seq = await take();
    const before = seq.tokenMeter.getState();
    const started = Date.now();
    try {
        const chat = new LlamaChat({contextSequence: seq});
        try {
            const res = await chat.generateResponse(chatHistory, {
                grammar,
                maxTokens: body.max_tokens ?? body.max_completion_tokens ?? 256,
                temperature: body.temperature ?? 0,
                seed: body.seed,
            });
            const used = seq.tokenMeter.diff(before);
            totals.requests += 1;
            totals.completion_tokens += used.usedOutputTokens;
            totals.seconds += (Date.now() - started) / 1000;
            // The meter counts evaluated tokens only (a prefix kept from the previous request on
            // this sequence is not evaluated again): the prompt's size comes from its rendering.
            const prompt = promptTokens(chat, chatHistory) ?? used.usedInputTokens;
            totals.prompt_tokens += prompt;
            return {
                id: `chatcmpl-${started}-${Math.random().toString(36).slice(2, 10)}`,
                object: "chat.completion",
                created: Math.floor(started / 1000),
                model: body.model ?? modelName,
                choices: [{
                    index: 0,
                    message: {role: "assistant", content: res.response},
                    finish_reason: res.metadata.stopReason === "maxTokens" ? "length" : "stop",
                }],
                usage: {
                    prompt_tokens: prompt,
                    completion_tokens: used.usedOutputTokens,
                    total_tokens: prompt + used.usedOutputTokens,
                },
            };
        } finally {
            chat.dispose({disposeSequence: false});
        }
    } finally {
        give(seq);
    }
}

function send(res, status, obj) {
    const text = JSON.stringify(obj);
    res.writeHead(status, {"content-type": "application/json", "content-length": Buffer.byteLength(text)});
    res.end(text);
}

const server = http.createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/health" || req.url === "/v1/health")) return send(res, 200, {status: "ok"});
    if (req.method === "GET" && req.url === "/stats") return send(res, 200, totals);
    if (req.method === "GET" && req.url === "/v1/models") {
        return send(res, 200, {object: "list", data: [{id: modelName, object: "model", owned_by: "local"}]});
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        return send(res, 404, {error: {message: `no route ${req.method} ${req.url}`, type: "not_found"}});
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
        try {
            let body;
            try {
                body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
                throw new HttpError(400, "the request body is not JSON");
            }
            if (body.stream) throw new HttpError(400, "stream is not supported");
            send(res, 200, await complete(body));
        } catch (err) {
            const status = err instanceof HttpError ? err.status : 500;
            totals.failed += 1;
            send(res, status, {error: {message: String(err.message ?? err), type: status === 400 ? "invalid_request_error" : "server_error"}});
        }
    });
});

server.listen(opts.port, opts.host, () => {
    const {address, port} = server.address();
    process.stdout.write(`listening http://${address}:${port}\n`);
});

async function stop() {
    server.close();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
    process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
