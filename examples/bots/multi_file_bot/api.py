"""The few Bot API calls this bot makes."""
import json
import os
import urllib.request

API = os.environ.get("TELEGRAM_API", "https://api.telegram.org").rstrip("/")
TOKEN = os.environ.get("BOT_TOKEN", "")


def call(method, **params):
    req = urllib.request.Request(
        f"{API}/bot{TOKEN}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=params.get("timeout", 0) + 10) as resp:
        body = json.load(resp)
    if not body.get("ok"):
        raise RuntimeError(f"{method}: {body.get('description')}")
    return body["result"]
