"""What the workbench pages do, without Streamlit: parse input, ingest, browse, run jobs.

The pages are thin: they read widgets, call a function here, and show its result or
its error (``friendly_error``). Everything here talks to agentmem through its public
API only (``Memory``, ``agentmem.bench``, ``agentmem.eval``, ``agentmem.validation``);
nothing touches the stores directly. One module per concern:

- ``settings``: where a store lives (:class:`StoreSettings`); secrets come from the
  environment only and never appear in a setting, a message or the page.
- ``messages``: errors as one readable line with secrets masked, markdown escaping.
- ``jobs``: long work (:class:`Job`) on its own thread, so a page rerun never cuts an
  ingest or a benchmark in half; :data:`JOBS` refuses a second run of the same kind
  and records which browser session started each job (its result is that session's).
- ``parsing``: pasted text, chats and uploads read into rows, checked by the store's rules.
- ``ingest``: rows written in chunks with progress; export and import.
- ``frames``: display tables from records, hits, history and counts (``charts`` draws them).
- ``store``: the one cached Memory of a configuration (:class:`Store`).

Pages run as scripts with ``workbench/`` on ``sys.path`` and do ``import services``;
every public name is importable from here.
"""

from .frames import (
    compact_json,
    count_frames,
    directory_listing,
    history_frame,
    hits_frame,
    infer_frame,
    records_frame,
)
from .ingest import (
    MEMORY_TYPES,
    OUTCOMES,
    IngestSummary,
    export_bytes,
    import_upload,
    ingest,
    ingest_chat,
)
from .jobs import (
    JOBS,
    Job,
    JobBoard,
    Measured,
    speed_number,
    speed_text,
    staged_progress,
)
from .messages import escape_markdown, friendly_error
from .parsing import (
    MAX_UPLOAD_BYTES,
    UPLOAD_KINDS,
    IngestItem,
    items_from_dataset,
    items_from_text,
    parse_chat,
    parse_filters,
    parse_metadata,
    preview,
    save_upload,
    upload_columns,
    validate_items,
)
from .settings import (
    DEFAULT_DATA_DIR,
    DEFAULT_RESULTS_PATH,
    RECORDS_TOKEN_ENV,
    REMOTE_ENV,
    REPO_ROOT,
    SAMPLE_MEMORIES,
    StoreSettings,
    credential_notes,
    default_data_dir,
    default_ingest_path,
    default_remote_fields,
    default_results_path,
    parse_storage_options,
    records_auth_token,
    resolve_data_dir,
    shared_locomo_path,
    store_settings,
    without_secret_options,
)
from .store import Store

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_RESULTS_PATH",
    "JOBS",
    "MAX_UPLOAD_BYTES",
    "MEMORY_TYPES",
    "OUTCOMES",
    "RECORDS_TOKEN_ENV",
    "REMOTE_ENV",
    "REPO_ROOT",
    "SAMPLE_MEMORIES",
    "UPLOAD_KINDS",
    "IngestItem",
    "IngestSummary",
    "Job",
    "JobBoard",
    "Measured",
    "Store",
    "StoreSettings",
    "compact_json",
    "count_frames",
    "credential_notes",
    "default_data_dir",
    "default_ingest_path",
    "default_remote_fields",
    "default_results_path",
    "directory_listing",
    "escape_markdown",
    "export_bytes",
    "friendly_error",
    "history_frame",
    "hits_frame",
    "import_upload",
    "infer_frame",
    "ingest",
    "ingest_chat",
    "items_from_dataset",
    "items_from_text",
    "parse_chat",
    "parse_filters",
    "parse_metadata",
    "parse_storage_options",
    "preview",
    "records_auth_token",
    "records_frame",
    "resolve_data_dir",
    "save_upload",
    "shared_locomo_path",
    "speed_number",
    "speed_text",
    "staged_progress",
    "store_settings",
    "upload_columns",
    "validate_items",
    "without_secret_options",
]
