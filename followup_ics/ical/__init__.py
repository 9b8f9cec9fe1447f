"""iCalendar: rule-based VTIMEZONEs, the fast writer, the icalendar reference, revisions, invitations."""
