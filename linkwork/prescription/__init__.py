"""The person's own social prescription: a page reached by a single-use, expiring link, with
no login, and the short feedback survey a week after each connection starts."""
