"""followup-ics: every recommended interview follow-up step as an iCalendar file or feed.

Kept import-free on purpose: ``followup-ics --help`` must not pay for icalendar or pytz.
"""

__version__ = "0.1.0"
