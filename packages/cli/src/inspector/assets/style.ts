/** The inspector's stylesheet, served as /assets/inspector.css. */
export const INSPECTOR_STYLE = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #dfe3ea; --bg: #f7f8fa; --card: #fff; --accent: #2f5bd3;
  --running: #2f5bd3; --completed: #1f8a4c; --failed: #c2362b; --cancelled: #8a6d1f; --stuck: #a3299b; --terminated: #4b3a2a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.top { display: flex; gap: 16px; align-items: baseline; padding: 10px 20px; background: #1d2330; color: #fff; }
.top a.brand { color: #fff; font-weight: 600; } .top .ns { color: #c9d1e0; } .top .live-state { margin-left: auto; color: #9fe0b4; font-size: 12px; }
.page { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; display: grid; gap: 14px; }
.page:has(> aside.actions) { grid-template-columns: 1fr 280px; align-items: start; }
.page > nav.crumbs { grid-column: 1 / -1; }
h1 { font-size: 20px; margin: 4px 0 8px; } h1 .mono { font-size: 18px; } h2 { font-size: 15px; margin: 16px 0 6px; } h2 small { color: var(--muted); font-weight: normal; }
h3 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); } h4 { margin: 6px 0 2px; font-size: 12px; color: var(--muted); }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { margin: 0; padding: 8px; background: #f1f3f6; border: 1px solid var(--line); border-radius: 4px; overflow: auto; max-height: 320px; white-space: pre-wrap; word-break: break-word; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; padding: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.filters label { display: grid; gap: 2px; font-size: 12px; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--fg); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; padding: 5px 12px; }
button.danger { background: var(--failed); border-color: var(--failed); }
.counts { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.count-row { display: flex; flex-wrap: wrap; gap: 8px; }
.count { padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; color: var(--fg); }
.count.selected { border-color: var(--accent); background: #eef2fd; }
.running-states { margin: 8px 0 0; color: var(--muted); }
table.grid { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); }
table.grid th, table.grid td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.grid th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.per-workflow { margin-top: 10px; width: auto; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--muted); }
.badge small { opacity: .85; }
.status-running { background: var(--running); } .status-completed { background: var(--completed); } .status-failed { background: var(--failed); }
.status-cancelled { background: var(--cancelled); } .status-stuck { background: var(--stuck); } .status-terminated { background: var(--terminated); }
.pager { display: flex; justify-content: space-between; margin-top: 8px; } .empty { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.buttons { display: flex; gap: 8px; margin: 10px 0; }
.waiting { background: #fffbea; border: 1px solid #f0e1a0; border-radius: 6px; padding: 4px 12px 10px; }
.waiting ul { margin: 4px 0; padding-left: 18px; }
.error { background: #fdf0ef; border: 1px solid #f2c4bf; border-radius: 6px; padding: 4px 12px 10px; }
.error-line { margin: 6px 0; } .stack { max-height: 220px; }
.io { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
.steps td.axis, .steps th.axis { width: 42%; }
.ticks { display: flex; justify-content: space-between; font-weight: normal; }
svg.bar { width: 100%; height: 14px; display: block; background: repeating-linear-gradient(90deg, transparent 0 24.8%, #eef0f4 24.8% 25%); }
.bar-completed { fill: var(--completed); } .bar-failed { fill: var(--failed); } .bar-timed-out { fill: var(--cancelled); }
.bar-pending { fill: #9db4f0; } .bar-recorded { fill: var(--muted); } .bar-ended { fill: #7a8699; }
.sealed { font-style: italic; color: var(--muted); background: #eceff4; border-radius: 3px; padding: 0 4px; }
.sealed-secret { color: var(--stuck); } .sealed-unreadable { color: var(--failed); }
button.load { padding: 0 8px; font-size: 12px; }
tr.outcome-pending td { background: #f5f8ff; }
details summary { cursor: pointer; } .detail { padding: 6px 0; }
aside.actions { position: sticky; top: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px 12px; display: grid; gap: 8px; }
aside.actions label { display: grid; gap: 2px; font-size: 12px; color: var(--muted); }
aside.actions form { display: grid; gap: 8px; } .hint { color: var(--muted); font-size: 12px; margin: 0; }
.action-result { margin: 0; min-height: 1.4em; } .action-result.ok { color: var(--completed); } .action-result.failed { color: var(--failed); }
.streams details.stream { margin: 6px 0; } table.chunks { margin-top: 4px; }
tr.reset td { background: #fdf0ef; color: var(--failed); } .sealed { color: var(--muted); }
.top nav.sections { display: flex; gap: 12px; } .top nav.sections a { color: #c9d1e0; } .top nav.sections a.here { color: #fff; font-weight: 600; }
.top .ns-switch label { color: #c9d1e0; font-size: 12px; } .top .ns-switch select { padding: 1px 4px; }
.token-bar { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; } .token-bar label { display: grid; gap: 2px; font-size: 12px; color: var(--muted); }
td.row-actions { white-space: nowrap; } td.row-actions button { margin-right: 4px; padding: 2px 8px; font-size: 12px; }
.status-paused { background: #7a8699; }
section.queue { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 2px 12px 10px; margin-bottom: 10px; }
.held-back { background: #fffbea; border: 1px solid #f0e1a0; border-radius: 4px; padding: 4px 10px; margin-top: 8px; } .held-back ul { margin: 2px 0; padding-left: 18px; }
a.tag { display: inline-block; font-size: 12px; padding: 0 6px; margin: 1px 0; border: 1px solid var(--line); border-radius: 8px; background: #f1f3f6; color: var(--fg); }
ul.tree, ul.tree ul { list-style: none; margin: 2px 0; padding-left: 18px; border-left: 1px solid var(--line); } ul.tree { padding-left: 4px; border: 0; }
ul.tree li { margin: 3px 0; } ul.tree li.self > span { background: #eef2fd; padding: 0 4px; border-radius: 3px; }
details.bulk { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; display: grid; gap: 8px; }
details.bulk .filters { border: 0; padding: 8px 0 0; } .bulk-confirm { background: #fdf0ef; border: 1px solid #f2c4bf; border-radius: 4px; padding: 4px 10px 8px; }
#bulk-bar { width: 320px; height: 14px; vertical-align: middle; }
table.triage a.all { display: block; margin-top: 2px; } table.triage td.signature { white-space: pre-wrap; word-break: break-word; }
.message { padding: 10px; background: var(--card); border: 1px solid var(--line); }
`;
