import datetime as dt

from linkwork.core.presenters import ago, date_uk


def test_date_uk_has_no_leading_zero():
    assert date_uk(dt.date(2026, 3, 4)) == "4 March 2026"


def test_ago_counts_whole_days():
    today = dt.date(2026, 11, 28)
    assert ago(dt.date(2026, 11, 28), today) == "today"
    assert ago(dt.date(2026, 11, 27), today) == "1 day ago"
    assert ago(dt.date(2026, 11, 16), today) == "12 days ago"
