"""Custom logs, feedback and log exports, written the way the Portkey docs show them.

Run it against the local control plane (no Portkey account needed):

    cargo run --release -p portkey-mock -- --port 8787 &
    PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 python examples/logs.py

The snippets pass `api_key="PORTKEY_API_KEY"` as the docs do (the mock takes any key); the
base URL comes from PORTKEY_BASE_URL.
"""

from __future__ import annotations

import json
import urllib.request


def insert_a_log() -> str:
    # The docs' "Insert a Log" snippet, unchanged.
    from portkey_ai import Portkey

    portkey = Portkey(
        api_key="PORTKEY_API_KEY",
    )

    request = {
        "url": "https://api.someprovider.com/model/generate",
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": {"prompt": "What is AI?"},
    }
    response = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"response": "AI stands for Artificial Intelligence..."},
        "response_time": 123,
    }
    metadata = {
        "user_id": "123",
        "user_name": "John Doe",
    }

    result = portkey.logs.create(request=request, response=response, metadata=metadata)

    print(result)
    return str(result["log_ids"][0])


def feedback(trace_id: str) -> None:
    # The docs' "Create Feedback" snippet; REQUEST_TRACE_ID is a trace id of your requests.
    from portkey_ai import Portkey

    portkey = Portkey(api_key="PORTKEY_API_KEY")

    feedback = portkey.feedback.create(
        trace_id="REQUEST_TRACE_ID",
        value=1
    )

    print(feedback)

    # The docs' "Update Feedback" snippet, with the id create answered for FEEDBACK_ID.
    updated_feedback = portkey.feedback.update(
        feedback_id=feedback["feedback_ids"][0],
        value=1
    )

    print(updated_feedback)

    # Several at once, and on the trace of the log inserted above.
    bulk = portkey.feedback.bulk_create(
        feedbacks=[
            {"trace_id": trace_id, "value": 5, "weight": 0.5},
            {"trace_id": trace_id, "value": -1, "metadata": {"_user": "user-1"}},
        ]
    )
    print("bulk:", bulk.feedback_ids)


def export_logs(log_id: str) -> None:
    from portkey_ai import Portkey

    portkey = Portkey(api_key="PORTKEY_API_KEY")

    log = portkey.logs.retrieve(log_id=log_id)
    print("log:", log["_id"], log.created_at, log["response"]["status"])

    export = portkey.logs.exports.create(
        filters={"time_of_generation_min": "2020-01-01T00:00:00Z"},
        requested_data=["id", "trace_id", "created_at", "cost", "response_status_code"],
        description="everything since 2020",
    )
    print("export:", export.id, "of", export.total, "logs")
    portkey.logs.exports.start(export_id=export.id)
    finished = portkey.logs.exports.wait(export_id=export.id, poll_interval=0.1, max_wait=30)
    print("status:", finished.status)
    url = portkey.logs.exports.download(export_id=export.id).signed_url or ""
    with urllib.request.urlopen(url) as file:
        rows = [json.loads(line) for line in file.read().decode().splitlines()]
    print("downloaded", len(rows), "rows, the first:", rows[0] if rows else None)


if __name__ == "__main__":
    log_id = insert_a_log()
    from portkey_ai import Portkey

    trace_id = Portkey(api_key="PORTKEY_API_KEY").logs.retrieve(log_id=log_id)["metrics"]["trace_id"]
    feedback(str(trace_id))
    export_logs(log_id)
