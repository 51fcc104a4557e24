"""Echo bot: answers every text message with the same text.

Standard library only. Reads BOT_TOKEN, and TELEGRAM_API for the Bot API's
base URL (default https://api.telegram.org).
"""
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

API = os.environ.get("TELEGRAM_API", "https://api.telegram.org").rstrip("/")
TOKEN = os.environ.get("BOT_TOKEN", "")


def stop(signum, frame):
    # Raise out of a blocking getUpdates at once: gitd waits only a short
    # grace after SIGTERM before it kills the bot.
    sys.exit(0)


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


def main():
    signal.signal(signal.SIGTERM, stop)
    if not TOKEN:
        # Stay up, so the first push of a new app succeeds; setting the
        # token (botctl config:set BOT_TOKEN=...) restarts the bot with it.
        print("BOT_TOKEN is not set: set it with `botctl config:set BOT_TOKEN=...`; idling until then", flush=True)
        while True:
            time.sleep(3600)
    while True:
        try:
            me = call("getMe")
            break
        except (urllib.error.URLError, RuntimeError, OSError) as err:
            # No network yet, or the API is down: keep trying, don't crash.
            print(f"cannot reach the Bot API at {API}: {err}; retrying in 5 s", flush=True)
            time.sleep(5)
    print(f"echo bot @{me.get('username')} polling {API}", flush=True)
    offset = 0
    while True:
        try:
            updates = call("getUpdates", offset=offset, timeout=10)
        except (urllib.error.URLError, RuntimeError, OSError) as err:
            print(f"getUpdates failed: {err}; retrying", flush=True)
            time.sleep(2)
            continue
        for update in updates:
            offset = update["update_id"] + 1
            message = update.get("message") or {}
            text = message.get("text")
            if text:
                call("sendMessage", chat_id=message["chat"]["id"], text=text)
                print(f"echoed {len(text)} chars to chat {message['chat']['id']}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
