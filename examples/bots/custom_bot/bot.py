"""A bot built from its own Dockerfile: replies with the length of each message."""
import json
import os
import signal
import sys
import time
import urllib.request

API = os.environ.get("TELEGRAM_API", "https://api.telegram.org").rstrip("/")
TOKEN = os.environ.get("BOT_TOKEN", "")


def stop(signum, frame):
    # Raise out of a blocking getUpdates at once: gitd waits only a short
    # grace after SIGTERM before it kills the bot.
    sys.exit(0)


def call(method, **params):
    req = urllib.request.Request(f"{API}/bot{TOKEN}/{method}", data=json.dumps(params).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=params.get("timeout", 0) + 10) as resp:
        return json.load(resp)["result"]


def main():
    signal.signal(signal.SIGTERM, stop)
    if not TOKEN:
        # Stay up, so the first push of a new app succeeds; setting the
        # token (botctl config:set BOT_TOKEN=...) restarts the bot with it.
        print("BOT_TOKEN is not set: set it with `botctl config:set BOT_TOKEN=...`; idling until then", flush=True)
        while True:
            time.sleep(3600)
    print("custom bot polling", flush=True)
    offset = 0
    while True:
        try:
            updates = call("getUpdates", offset=offset, timeout=10)
        except Exception as err:
            print(f"getUpdates failed: {err}; retrying", flush=True)
            time.sleep(2)
            continue
        for update in updates:
            offset = update["update_id"] + 1
            message = update.get("message") or {}
            if message.get("text"):
                call("sendMessage", chat_id=message["chat"]["id"], text=f"{len(message['text'])} characters")


if __name__ == "__main__":
    sys.exit(main())
