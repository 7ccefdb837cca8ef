#!/usr/bin/env python3
"""The iCal approach to the same question as `rota shifts --json` (issue 26's baseline).

Grafana OnCall keeps each rotation as iCalendar events, one recurring VEVENT per member
(RRULE FREQ/INTERVAL = the shift times the number of members; restrictions written as the
event's own hours and BYDAY), expands them with python-icalendar and recurring-ical-events,
and flattens the layers in Python. This script does the same for bench/schedules.py's
organisation, so the two answers can be compared byte for byte and timed as whole processes.

  python3 bench/ical_approach.py --write DIR     one .ics per schedule (done once, untimed)
  python3 bench/ical_approach.py --expand DIR --from T --days N
                                                 the final schedule as rota's JSON (timed)
"""
import argparse, bisect, datetime as dt, glob, json, os, sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schedules  # noqa: E402  (the organisation, as data)

SETTINGS_ZONE = "Europe/Paris"
DAY_CODES = {"mon-fri": "MO,TU,WE,TH,FR", "[sat, sun]": "SA,SU"}


def local(text):
    return dt.datetime.fromisoformat(text)


def stamp(value):
    return value.strftime("%Y%m%dT%H%M%S")


def member_events(layer, priority):
    """One recurring VEVENT per member: (DTSTART, DTEND, RRULE) in the schedule's wall time."""
    members, start, shift = layer["members"], local(layer["start"]), layer["shift"]
    count, unit = int(shift[:-1]), shift[-1]
    step = {"h": dt.timedelta(hours=count), "d": dt.timedelta(days=count), "w": dt.timedelta(weeks=count)}[unit]
    events = []
    for index, person in enumerate(members):
        first = start + step * index  # wall-time arithmetic: DST keeps the hand-off hour
        cycle = step * len(members)
        if cycle % dt.timedelta(weeks=1) == dt.timedelta(0):
            rule = f"FREQ=WEEKLY;INTERVAL={cycle // dt.timedelta(weeks=1)}"
        else:
            rule = f"FREQ=DAILY;INTERVAL={cycle // dt.timedelta(days=1)}"
        if layer["restrict"] is None:
            events.append((first, first + step, rule, person))
            continue
        days, start_hour, end_hour = layer["restrict"]
        begin, finish = dt.time.fromisoformat(start_hour), dt.time.fromisoformat(end_hour)
        # The parts of this member's shift inside a restriction window, as events of their own.
        day = first.date()
        while dt.datetime.combine(day, dt.time()) < first + step:
            window = (dt.datetime.combine(day, begin), dt.datetime.combine(day, finish))
            part = (max(window[0], first), min(window[1], first + step))
            if part[0] < part[1]:
                events.append((part[0], part[1], f"{rule};BYDAY={DAY_CODES[days]}", person))
            day += dt.timedelta(days=1)
    return [(s, e, r, p, priority) for s, e, r, p in events]


def write(directory):
    _, org = schedules.spec()
    for schedule in org:
        zone = schedule["timezone"]
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rota bench//ical approach//EN"]
        events = []
        for priority, layer in enumerate(schedule["layers"]):
            events += member_events(layer, priority)
        override = schedule["override"]
        events.append((local(override["from"]), local(override["to"]), None, override["person"], len(schedule["layers"])))
        for number, (start, end, rule, person, priority) in enumerate(events):
            lines += ["BEGIN:VEVENT", f"UID:{schedule['id']}-{number}@bench", "DTSTAMP:20260101T000000Z",
                      f"DTSTART;TZID={zone}:{stamp(start)}", f"DTEND;TZID={zone}:{stamp(end)}",
                      f"SUMMARY:{person}", f"PRIORITY:{priority}"]
            if rule:
                lines.append(f"RRULE:{rule}")
            lines.append("END:VEVENT")
        lines.append("END:VCALENDAR")
        with open(os.path.join(directory, schedule["id"] + ".ics"), "w") as f:
            f.write("\r\n".join(lines) + "\r\n")


def iso(value):
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def flatten(name, intervals, lo, hi):
    """At each instant the highest priority (the last layer, then the override) with someone wins."""
    layers = {}
    for start, end, person, priority in intervals:
        layers.setdefault(priority, []).append((start, end, person))
    for events in layers.values():
        events.sort()
    starts = {p: [e[0] for e in events] for p, events in layers.items()}
    order = sorted(layers, reverse=True)
    points = sorted({lo, hi} | {t for s, e, _, _ in intervals for t in (s, e) if lo < t < hi})
    shifts = []
    for a, b in zip(points, points[1:]):
        who = None
        for priority in order:
            at = bisect.bisect_right(starts[priority], a) - 1
            if at >= 0 and layers[priority][at][1] > a:
                who = layers[priority][at][2]
                break
        if who is None:
            continue
        if shifts and shifts[-1]["person"] == who and shifts[-1]["end"] == a:
            shifts[-1]["end"] = b
        else:
            shifts.append({"schedule": name, "person": who, "start": a, "end": b})
    return shifts


def expand(directory, start, days):
    import icalendar, recurring_ical_events
    lo = start
    hi = start.astimezone(ZoneInfo(SETTINGS_ZONE)) + dt.timedelta(days=days)  # wall days, as rota counts them
    hi = hi.astimezone(dt.timezone.utc)
    shifts = []
    for path in sorted(glob.glob(os.path.join(directory, "*.ics"))):
        with open(path, "rb") as f:
            calendar = icalendar.Calendar.from_ical(f.read())
        intervals = []
        for event in recurring_ical_events.of(calendar).between(lo - dt.timedelta(weeks=1), hi):
            intervals.append((event["DTSTART"].dt.astimezone(dt.timezone.utc), event["DTEND"].dt.astimezone(dt.timezone.utc),
                              str(event["SUMMARY"]), int(event["PRIORITY"])))
        shifts += flatten(os.path.basename(path)[:-4], intervals, lo, hi)
    for shift in shifts:
        shift["start"], shift["end"] = iso(shift["start"]), iso(shift["end"])
    return {"from": iso(lo), "to": iso(hi), "shifts": shifts}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", metavar="DIR")
    parser.add_argument("--expand", metavar="DIR")
    parser.add_argument("--from", dest="start", default="2026-12-01T10:00:00Z")
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    if args.write:
        write(args.write)
    if args.expand:
        start = dt.datetime.fromisoformat(args.start.replace("Z", "+00:00"))
        sys.stdout.write(json.dumps(expand(args.expand, start, args.days), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
