"""The shared vocabulary: the needs a person is referred with, the routes a referral arrives
by, the service categories and audiences, and which categories may meet each need.

Reviewed lists and data files, owned low (floor 3) so that the directory, referrals and
matching all read the same words without depending on each other. It imports no other
Linkwork app. Not a Django app: it has no models, templates or migrations.
"""
