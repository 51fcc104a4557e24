"""A bot in several files: main.py runs, handlers.py answers, api.py talks HTTP."""
import signal
import sys
import time

import api
import handlers



def stop(signum, frame):
    # Raise out of a blocking getUpdates at once: gitd waits only a short
    # grace after SIGTERM before it kills the bot.
    sys.exit(0)


def main():
    signal.signal(signal.SIGTERM, stop)
    if not api.TOKEN:
        # Stay up, so the first push of a new app succeeds; setting the
        # token (botctl config:set BOT_TOKEN=...) restarts the bot with it.
        print("BOT_TOKEN is not set: set it with `botctl config:set BOT_TOKEN=...`; idling until then", flush=True)
        while True:
            time.sleep(3600)
    print(f"multi-file bot polling {api.API}", flush=True)
    offset = 0
    while True:
        try:
            updates = api.call("getUpdates", offset=offset, timeout=10)
        except Exception as err:  # the network comes and goes; keep polling
            print(f"getUpdates failed: {err}; retrying", flush=True)
            time.sleep(2)
            continue
        for update in updates:
            offset = update["update_id"] + 1
            handlers.handle(update)


if __name__ == "__main__":
    sys.exit(main())
