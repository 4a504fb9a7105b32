# One date and time style for Japanese everywhere (lists, chat, e-mails), with a space between
# the date and the time (Django's own "Y年n月j日G:i" runs them together), and the same 24-hour
# clock as the English pages and the course schedules.
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
