# One date and time style for English everywhere (lists, chat, e-mails): the day by name of
# month, so "3/12" is never read as 12 March by some and 3 December by others, and a 24-hour
# clock like the course schedules. Django's defaults fill in every other format.
DATE_FORMAT = "N j, Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
