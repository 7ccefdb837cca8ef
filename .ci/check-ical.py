#!/usr/bin/env python3
"""Reads a `rota shifts --format ical` export with the icalendar and recurring-ical-events
libraries, as calendar apps would, and checks it: every event parses, has UTC start and end,
a unique UID, no recurrence, and expanding the calendar over its span yields exactly its events."""
import datetime, sys
import icalendar, recurring_ical_events

data = open(sys.argv[1], "rb").read()
assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), "lines must end with CRLF"
assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines must be folded at 75 octets"
calendar = icalendar.Calendar.from_ical(data)
events = list(calendar.walk("VEVENT"))
assert events, "the export has no events"
uids = [str(event["UID"]) for event in events]
assert len(uids) == len(set(uids)), "UIDs must be unique"
for event in events:
    assert "RRULE" not in event, "no recurrence rules"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.tzinfo is not None and start.utcoffset() == datetime.timedelta(0), "DTSTART must be UTC"
    assert end > start, "DTEND must follow DTSTART"
first = min(event.decoded("DTSTART") for event in events)
last = max(event.decoded("DTEND") for event in events)
expanded = recurring_ical_events.of(calendar).between(first, last)
assert len(expanded) == len(events), f"expanded {len(expanded)} events, expected {len(events)}"
print(f"ical check: {len(events)} events, {first.isoformat()} to {last.isoformat()}: ok")
