"""Messages to referrers, GP practices and people: building, queueing and delivering them."""
