/// The board's templates (Mustache: `{{x}}` is HTML-escaped, so every name, summary and
/// runbook text is shown as text). Kept in the binary: the board needs no file beside it.
enum BoardTemplates {
    static let all: [String: String] = [
        "layout": layout, "board": board, "schedule": schedule, "person": person, "signin": signin, "alert": alert, "message": message, "incident": incident,
        "schedules": schedules, "standing": standing, "report": report,
    ]

    /// The one stylesheet: readable on a 360-px phone (the timeline scrolls sideways), printable,
    /// text contrast at least 4.5:1, gaps red and labelled so colour is not the only sign.
    static let style = """
        :root{--ink:#111;--muted:#555;--line:#d0d0d0;--shift:#dbe8f7;--shift-ink:#0b3b73;--override:#fde9c4;--override-ink:#6b4000;--gap:#fbe3e3;--gap-ink:#8a1010;--leave:#e6e6e6}
        *{box-sizing:border-box}
        body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--ink);background:#fff}
        header,main,footer{max-width:72rem;margin:0 auto;padding:.5rem 1rem}
        header{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid var(--line)}
        header a{color:var(--ink);font-weight:600;text-decoration:none}
        h1{font-size:1.5rem;margin:.6rem 0}h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
        a{color:#0b4f9c}
        table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        thead th{font-size:.85rem;color:var(--muted);font-weight:600}
        caption{text-align:left;color:var(--muted);padding:.2rem 0}
        .nobody{color:var(--gap-ink);font-weight:600}
        .muted{color:var(--muted)}
        .warning{background:#fff4ce;border:1px solid #8a6d00;border-radius:4px;padding:.5rem .75rem}
        .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
        .timeline{min-width:48rem;margin:.5rem 0 1rem}
        .row{display:grid;grid-template-columns:11rem 1fr;align-items:center;min-height:2.1rem}
        .row>.name{font-size:.9rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding-right:.5rem}
        .track{position:relative;height:1.8rem;list-style:none;margin:0;padding:0;border-left:1px solid var(--line)}
        .track li,.track i{position:absolute;top:0;bottom:0}
        .track i{border-left:1px solid var(--line);width:0}
        .track li{overflow:hidden;white-space:nowrap;font-size:.8rem;line-height:1.8rem;padding:0 .25rem;border-right:1px solid #fff;border-radius:2px}
        .shift{background:var(--shift);color:var(--shift-ink)}
        .override{background:var(--override);color:var(--override-ink)}
        .gap{background:var(--gap) repeating-linear-gradient(135deg,transparent 0 6px,rgba(138,16,16,.12) 6px 12px);color:var(--gap-ink);font-weight:600}
        .leave{background:var(--leave);color:var(--ink)}
        .marks{height:1.2rem}.marks li{line-height:1.2rem;font-size:.72rem}
        .days{position:relative;height:1.3rem;font-size:.75rem;color:var(--muted)}
        .days span{position:absolute;white-space:nowrap;padding-left:.2rem;border-left:1px solid var(--line)}
        .legend{font-size:.85rem;color:var(--muted)}.legend span{display:inline-block;padding:0 .4rem;margin-right:.4rem;border-radius:2px}
        form{display:inline}
        button{font-size:1rem;padding:.5rem 1rem;margin:.2rem .4rem .2rem 0;border:1px solid #0b4f9c;background:#0b4f9c;color:#fff;border-radius:4px}
        button.secondary{background:#fff;color:#0b4f9c}
        button{min-height:2.75rem}
        .card{border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;margin:.6rem 0;overflow-wrap:anywhere}
        .card h3{margin:.2rem 0 .4rem;font-size:1.05rem}.card p{margin:.3rem 0}.card form{display:block}
        a.url{overflow-wrap:anywhere;word-break:break-all}
        input,textarea{font-size:1rem;padding:.5rem;max-width:100%;box-sizing:border-box}textarea{width:100%}.update-text{white-space:pre-wrap}
        pre{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        svg.chart{display:block;max-width:40rem;margin:.3rem 0 1rem;font-size:11px}
        .c-label{fill:var(--ink)}.c-value{fill:var(--muted)}
        .b-p50{fill:#0b4f9c}.b-p90{fill:#8fb3de}.b-business{fill:#2f7d32}.b-off{fill:#d08a00}.b-sleep{fill:#5b2c8f}.b-reach{fill:#0b4f9c}
        .key span{display:inline-block;width:.8rem;height:.8rem;margin:0 .25rem 0 .6rem;vertical-align:-.1rem}
        @media (max-width:40rem){th,td{padding:.3rem .25rem;font-size:.9rem}.hide-narrow{display:none}}
        @media print{header nav,form,button{display:none}.scroll{overflow:visible}.timeline{min-width:0}body{font-size:11pt}
        .shift,.override,.gap,.leave,svg.chart,.key span{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    /// `GET /report`: the response report (DESIGN §12), charts first, then every figure in a table.
    static let report = """
        <h1>Response</h1>
        <p>Incidents opened from <time datetime="{{fromISO}}">{{from}}</time> to <time datetime="{{toISO}}">{{to}}</time>{{#has_service}} on <strong>{{service}}</strong>{{/has_service}}, beside the period of equal length before (times in {{zone}}).
        Time to acknowledge runs from level 1's first due time to the first acknowledgement by a person; p50 and p90 are nearest-rank; incidents never acknowledged are counted apart. Drills are not counted here ({{drills}} in this period).</p>
        <div class="scroll"><table aria-label="Figures"><thead><tr><th scope="col">Figure</th><th scope="col">This period</th><th scope="col">Previous period</th></tr></thead><tbody>
        {{#rows}}<tr><th scope="row">{{name}}</th>{{#now}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/now}}{{#before}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/before}}</tr>
        {{/rows}}</tbody></table></div>
        <p>Why executives were paged — nobody below answered: {{#nobody_answered}}<span data-key="{{key}}" data-value="{{value}}">{{text}}</span>{{/nobody_answered}}; a surge: {{#surge}}<span data-key="{{key}}" data-value="{{value}}">{{text}}</span>{{/surge}}.</p>
        <h2 id="tta">Time to acknowledge per service</h2>
        {{#has_services}}<p class="key muted"><span class="b-p50" style="background:#0b4f9c"></span>p50<span style="background:#8fb3de"></span>p90</p>
        {{{tta_chart}}}
        <div class="scroll"><table aria-labelledby="tta"><thead><tr><th scope="col">Service</th><th scope="col">Incidents</th><th scope="col">Never acknowledged</th><th scope="col">TTA p50</th><th scope="col">TTA p90</th></tr></thead><tbody>
        {{#services}}<tr><th scope="row">{{service}}</th>{{#incidents}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/incidents}}{{#unacknowledged}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/unacknowledged}}{{#p50}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/p50}}{{#p90}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/p90}}</tr>
        {{/services}}</tbody></table></div>{{/has_services}}
        {{^has_services}}<p>No incident in this period.</p>{{/has_services}}
        <h2 id="people">Interruptions per person</h2>
        {{#has_people}}<p class="key muted"><span style="background:#2f7d32"></span>business (Mon–Fri 08–18)<span style="background:#d08a00"></span>off hours (evenings, weekends, holidays 08–22)<span style="background:#5b2c8f"></span>sleep (22–08), each in the person's own zone</p>
        {{{interruption_chart}}}
        <div class="scroll"><table aria-labelledby="people"><thead><tr><th scope="col">Person</th><th scope="col">Pages</th><th scope="col">Business</th><th scope="col">Off hours</th><th scope="col">Sleep</th><th scope="col">Per 100 h on call</th><th scope="col">Acks</th></tr></thead><tbody>
        {{#people}}<tr><th scope="row">{{person}}</th>{{#pages}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/pages}}{{#business}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/business}}{{#off_hours}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/off_hours}}{{#sleep}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/sleep}}{{#per100}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/per100}}{{#acks}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/acks}}</tr>
        {{/people}}</tbody></table></div>{{/has_people}}
        {{^has_people}}<p>Nobody was paged in this period.</p>{{/has_people}}
        <h2 id="reach">Escalation reach</h2>
        {{#has_reach}}{{{reach_chart}}}
        <table aria-labelledby="reach"><thead><tr><th scope="col">Level</th><th scope="col">Incidents that reached it</th></tr></thead><tbody>
        {{#reach}}<tr><th scope="row">{{level}}</th>{{#count}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/count}}</tr>
        {{/reach}}</tbody></table>{{/has_reach}}
        {{^has_reach}}<p>No incident paged anyone in this period.</p>{{/has_reach}}
        <h2 id="drills">Drills</h2>
        {{#has_drills}}<p>{{drills}} drill(s), answered: {{#drills_answered}}<span data-key="{{key}}" data-value="{{value}}">{{text}}</span>{{/drills_answered}}. Answer times run from when the person's level was due.</p>
        <div class="scroll"><table aria-labelledby="drills"><thead><tr><th scope="col">Level</th><th scope="col">Person</th><th scope="col">Paged</th><th scope="col">Answered</th><th scope="col">Answer p50</th></tr></thead><tbody>
        {{#drill_rows}}<tr><td>{{level}}</td><th scope="row">{{person}}</th>{{#paged}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/paged}}{{#answered}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/answered}}{{#p50}}<td data-key="{{key}}" data-value="{{value}}">{{text}}</td>{{/p50}}</tr>
        {{/drill_rows}}</tbody></table></div>
        {{#drill_failures}}<p class="warning">Drill #{{incident}}, level {{level}}: {{person}}'s {{contact}} contact {{state}}: {{error}}</p>
        {{/drill_failures}}{{/has_drills}}
        {{^has_drills}}<p>No drill in this period.</p>{{/has_drills}}
        """

    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>{{title}} — rota</title>
        <style>{{{style}}}</style>
        </head><body>
        <header><a href="{{home}}">rota</a><nav aria-label="Site" class="muted">{{nav}}</nav></header>
        <main id="main">
        {{#warning}}<p class="warning" role="alert"><strong>Warning:</strong> {{warning}}</p>{{/warning}}
        {{{body}}}
        </main>
        <footer class="muted"><small>Shown at <time datetime="{{nowISO}}">{{nowText}}</time>. Times in each schedule's zone.</small></footer>
        </body></html>
        """

    /// Where an open alert stands (shared by the board and a person's page).
    static let standing = """
        <td>{{severity}}</td><td>{{alerts}}</td><td>{{service}}</td><td>{{summary}}</td><td><time datetime="{{raisedISO}}" title="{{raised}}">{{age}}</time></td><td>{{level}}</td><td>{{paged}}</td><td>{{next}}</td>
        """

    /// The board's schedules (on call now, the timeline): kept by the server until something changes.
    static let schedules = """
        <table>
        <thead><tr><th scope="col">Schedule</th><th scope="col">On call</th><th scope="col">Until</th></tr></thead>
        <tbody>
        {{#rows}}<tr><th scope="row"><a href="/schedules/{{id}}">{{name}}</a></th>{{#person}}<td>{{person}}</td>{{/person}}{{^person}}<td class="nobody">nobody</td>{{/person}}<td>{{#untilISO}}<time datetime="{{untilISO}}">{{until}}</time>{{/untilISO}}{{^untilISO}}-{{/untilISO}}</td></tr>
        {{/rows}}
        </tbody></table>
        <h2 id="timeline">The next {{days}} days</h2>
        <p class="legend"><span class="shift">on call</span><span class="override">override</span><span class="gap">nobody on call</span></p>
        <section class="scroll" aria-labelledby="timeline"><div class="timeline">
        <div class="row" aria-hidden="true"><span></span><div class="days">{{#ticks}}<span style="left:{{left}}%" title="{{title}}">{{label}}</span>{{/ticks}}</div></div>
        {{{tracks}}}
        </div></section>
        """

    static let board = """
        <h1>On call now</h1>
        {{{schedules}}}
        <h2 id="alerts">Open incidents</h2>
        {{#has_alerts}}<div class="scroll"><table aria-labelledby="alerts">
        <thead><tr><th scope="col">#</th><th scope="col">Severity</th><th scope="col">Alerts</th><th scope="col">Service</th><th scope="col">Summary</th><th scope="col">Age</th><th scope="col">Level</th><th scope="col">Paged</th><th scope="col">Next</th></tr></thead>
        <tbody>{{#alerts}}<tr><th scope="row"><a href="/incidents/{{id}}">{{id}}</a></th>{{> standing}}</tr>
        {{/alerts}}</tbody></table></div>{{/has_alerts}}
        {{^alerts}}<p>No open incidents.</p>{{/alerts}}
        <p><a href="/report">How fast we answered: the response report</a></p>
        """

    static let schedule = """
        <h1>{{name}} <span class="muted">({{id}}, {{zone}})</span></h1>
        <p>On call now: {{#person}}<strong>{{person}}</strong>{{#untilISO}} until <time datetime="{{untilISO}}">{{until}}</time>{{/untilISO}}{{/person}}{{^person}}<strong class="nobody">nobody</strong>{{#untilISO}} (someone from <time datetime="{{untilISO}}">{{until}}</time>){{/untilISO}}{{/person}}.</p>
        <h2 id="weeks">The next {{days}} days</h2>
        <p class="legend"><span class="shift">on call</span><span class="override">override</span><span class="gap">nobody on call</span><span class="leave">leave</span></p>
        <section class="scroll" aria-labelledby="weeks"><div class="timeline">
        {{#weeks}}<div class="row" aria-hidden="true"><span class="muted">{{label}}</span><div class="days">{{#ticks}}<span style="left:{{left}}%" title="{{title}}">{{label}}</span>{{/ticks}}</div></div>
        {{{tracks}}}
        {{/weeks}}
        </div></section>
        <h2 id="shifts">Shifts</h2>
        <table aria-labelledby="shifts"><thead><tr><th scope="col">On call</th><th scope="col">From</th><th scope="col">To</th></tr></thead><tbody>
        {{#shifts}}<tr class="{{kind}}">{{#person}}<td>{{person}}{{#override}} <span class="muted">(override)</span>{{/override}}</td>{{/person}}{{^person}}<td class="nobody">— nobody —</td>{{/person}}<td><time datetime="{{startISO}}">{{from}}</time></td><td><time datetime="{{endISO}}">{{to}}</time></td></tr>
        {{/shifts}}</tbody></table>
        <h2 id="covers">Overrides and leave</h2>
        {{#has_covers}}<table aria-labelledby="covers"><thead><tr><th scope="col">What</th><th scope="col">Who</th><th scope="col">From</th><th scope="col">To</th></tr></thead><tbody>
        {{#covers}}<tr><td>{{kind}}</td><td>{{person}}</td><td><time datetime="{{startISO}}">{{from}}</time></td><td><time datetime="{{endISO}}">{{to}}</time></td></tr>
        {{/covers}}</tbody></table>{{/has_covers}}{{^covers}}<p>None in these {{days}} days.</p>{{/covers}}
        <h2 id="pagers">Escalations that page it</h2>
        {{#has_pagers}}<ul>{{#pagers}}<li>level {{level}} of <strong>{{escalation}}</strong>{{#services}}, for {{services}}{{/services}}</li>{{/pagers}}</ul>{{/has_pagers}}
        {{^pagers}}<p>No escalation pages this schedule.</p>{{/pagers}}
        """

    static let person = """
        <h1>{{name}}</h1>
        <h2 id="alerts">Open incidents that paged you</h2>
        {{#alerts}}<article class="card" aria-labelledby="incident-{{id}}">
        <h3 id="incident-{{id}}">#{{id}} {{summary}}</h3>
        <form method="post" action="{{action}}" class="answer"><input type="hidden" name="answer" value="{{answer}}">{{#triggered}}<button name="action" value="ack">Acknowledge #{{id}}</button>{{/triggered}}<button name="action" value="resolve" class="secondary">Resolve #{{id}}</button></form>
        <p>{{severity}}, {{service}}, {{alerts}} alert(s), raised <time datetime="{{raisedISO}}" title="{{raised}}">{{age}}</time> ago, level {{level}}.</p>
        <p class="muted">Paged: {{paged}}. Next: {{next}}.</p>
        {{#roles}}<p>{{roles}}</p>{{/roles}}
        <form method="post" action="{{action}}" class="update"><input type="hidden" name="answer" value="{{answer}}"><input type="hidden" name="action" value="update">
        <p><label for="update-{{id}}">Status update on #{{id}} (to the stakeholders and everyone paged)</label></p>
        <p><textarea id="update-{{id}}" name="text" required maxlength="4096" rows="3"></textarea></p>
        <p><button class="secondary">Post update on #{{id}}</button></p></form>
        </article>
        {{/alerts}}{{^alerts}}<p>No open incident has paged you.</p>{{/alerts}}
        <h2 id="shifts">Your next shifts</h2>
        {{#has_shifts}}<table aria-labelledby="shifts"><thead><tr><th scope="col">Schedule</th><th scope="col">From</th><th scope="col">To</th></tr></thead><tbody>
        {{#shifts}}<tr><td>{{schedule}}</td><td><time datetime="{{startISO}}">{{from}}</time></td><td><time datetime="{{endISO}}">{{to}}</time></td></tr>
        {{/shifts}}</tbody></table>{{/has_shifts}}{{^shifts}}<p>No shift in the next {{days}} days.</p>{{/shifts}}
        <h2 id="calendar">Your calendar</h2>
        {{#calendar}}<p>Subscribe to <a class="url" href="{{calendar}}">{{calendar}}</a> in your calendar to see your shifts there.</p>{{/calendar}}
        {{^calendar}}<p class="muted">No calendar link: settings.server.public_url is not set.</p>{{/calendar}}
        """

    /// Staff sign themselves in (DESIGN §13): their id, then a link through their first contact.
    static let signin = """
        <h1>Sign in</h1>
        {{#sent}}<p role="status">If <strong>{{id}}</strong> is someone in the rota, a sign-in link is on its way to their first contact that can carry one (a text, a message, an email or a push). It opens your own page and signs this browser in to the board for 30 days; it works for 7 days.</p>{{/sent}}
        {{^sent}}<form method="post" action="/signin" class="signin">
        <p><label for="person">Your id in the rota files</label></p>
        <p><input id="person" name="person" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="100"></p>
        <p><button>Send me a sign-in link</button></p>
        </form>{{/sent}}
        """

    /// The page behind an ack link.
    static let alert = """
        <h1>{{kind}} #{{id}}: {{summary}}</h1>
        <p>Service <strong>{{service}}</strong>, severity {{severity}}, raised <time datetime="{{raisedISO}}">{{raised}}</time>, count {{count}}{{#many}}; {{alerts}} alerts in this incident, answered together{{/many}}.</p>
        <p>Status: <strong>{{status}}</strong>{{#ackBy}} — acknowledged by {{ackBy}} at <time datetime="{{ackISO}}">{{ackAt}}</time>{{/ackBy}}{{#resolvedBy}} — resolved by {{resolvedBy}}{{/resolvedBy}}.</p>
        {{#details}}<pre>{{details}}</pre>{{/details}}
        <p>Paged so far: {{paged}}.</p>
        <p>Next: {{next}}.</p>
        {{#open}}<form method="post" action="/a/{{token}}">
        <p>You are answering as <strong>{{person}}</strong>.</p>
        {{#triggered}}<button name="action" value="ack">Acknowledge</button>{{/triggered}}
        <button name="action" value="resolve" class="secondary">Resolve</button>
        </form>{{/open}}
        """

    /// An incident: where it stands, its alerts and its timeline.
    static let incident = """
        <h1>Incident #{{id}}: {{summary}}</h1>
        <p>Service <strong>{{service}}</strong>, severity {{severity}}, {{alerts}} alert(s); opened <time datetime="{{raisedISO}}">{{raised}}</time>, latest <time datetime="{{latestISO}}">{{latest}}</time>.</p>
        <p>Status: <strong>{{status}}</strong>. Paged so far: {{paged}}. Next: {{next}}.</p>
        {{#roles}}<p>{{roles}}</p>{{/roles}}
        {{#has_updates}}<h2 id="updates">Status updates</h2>{{/has_updates}}
        {{#updates}}<article class="card"><p><time datetime="{{atISO}}">{{at}}</time>, <strong>{{actor}}</strong></p><p class="update-text">{{text}}</p></article>
        {{/updates}}
        <h2 id="members">Alerts</h2>
        <div class="scroll"><table aria-labelledby="members"><thead><tr><th scope="col">#</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Service</th><th scope="col">Raised</th><th scope="col">Summary</th></tr></thead><tbody>
        {{#members}}<tr><th scope="row">{{id}}</th><td>{{status}}</td><td>{{severity}}</td><td>{{service}}</td><td><time datetime="{{raisedISO}}">{{raised}}</time></td><td>{{summary}}</td></tr>
        {{/members}}</tbody></table></div>
        <h2 id="timeline">Timeline</h2>
        <div class="scroll"><table aria-labelledby="timeline"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Detail</th></tr></thead><tbody>
        {{#timeline}}<tr><td><time datetime="{{atISO}}">{{at}}</time></td><td>{{event}}</td><td>{{actor}}</td><td>{{text}}</td></tr>
        {{/timeline}}</tbody></table></div>
        """

    /// A page that only says something (not signed in, not found, a link not valid).
    static let message = """
        <h1>{{heading}}</h1>
        {{#lines}}<p>{{.}}</p>{{/lines}}
        """
}
