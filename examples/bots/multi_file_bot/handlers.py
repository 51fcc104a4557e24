"""What the bot says."""
import api

GREETING = "Hello from a multi-file bot!"


def reply_for(text):
    if text.startswith("/start"):
        return GREETING
    return text[::-1]


def handle(update):
    message = update.get("message") or {}
    text = message.get("text")
    if text:
        api.call("sendMessage", chat_id=message["chat"]["id"], text=reply_for(text))
