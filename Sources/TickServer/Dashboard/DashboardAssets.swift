/// The dashboard's stylesheet and script, served from the binary under `<path>/assets/` (no build step).
/// Pages carry no inline script or style, so the Content-Security-Policy allows only these files.
enum DashboardAssets {
    /// `dashboard.css`.
    static let css = """
        :root { --fg: #1d2330; --muted: #5f6b7a; --line: #dde3ea; --bg: #f6f8fa; --card: #fff; --accent: #2457c5; --ok: #1f8a4c; --bad: #c0392b; --warn: #b7791f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
        header.top { display: flex; gap: 16px; align-items: center; padding: 10px 20px; background: #14213d; color: #fff; flex-wrap: wrap; }
        header.top a { color: #dfe7ff; text-decoration: none; }
        header.top .brand { font-weight: 700; font-size: 17px; color: #fff; }
        header.top nav a { margin-right: 14px; padding: 4px 0; }
        header.top nav a[aria-current] { border-bottom: 2px solid #fff; color: #fff; }
        header.top .who { margin-left: auto; font-size: 12px; opacity: .85; }
        header.top form { margin: 0; }
        header.top .jump input { width: 180px; padding: 3px 6px; border-radius: 4px; border: 0; }
        button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        button.small { padding: 2px 8px; font-size: 12px; }
        button.link { background: none; border: 0; color: #dfe7ff; padding: 0; text-decoration: underline; }
        button.danger { background: var(--bad); border-color: var(--bad); }
        main { padding: 16px 20px 8px; max-width: 1280px; }
        h1 { font-size: 20px; margin: 4px 0 14px; }
        h2 { font-size: 15px; margin: 18px 0 8px; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 12px; margin-bottom: 14px; }
        table.grid { border-collapse: collapse; width: 100%; }
        table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
        table.grid th { font-size: 12px; color: var(--muted); font-weight: 600; }
        .num { text-align: right !important; font-variant-numeric: tabular-nums; }
        .hint, .note { color: var(--muted); font-size: 12px; }
        .empty { color: var(--muted); font-style: italic; }
        .detail { max-width: 480px; word-break: break-word; }
        .badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; background: #e8edf3; }
        .badge.ok, .item-done, .state-done { background: #dff3e6; color: var(--ok); }
        .badge.bad, .item-failed, .state-dead { background: #fbe3e0; color: var(--bad); }
        .badge.warn, .state-delayed, .state-leased { background: #fdf0d9; color: var(--warn); }
        .error { color: var(--bad); }
        .warn { color: var(--warn); }
        .notice { background: #e6effd; border: 1px solid #b8cdf5; padding: 8px 12px; border-radius: 4px; }
        .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0 20px; }
        .charts .note { grid-column: 1 / -1; }
        svg.chart { width: 100%; height: auto; background: #fbfcfd; border: 1px solid var(--line); border-radius: 4px; }
        svg.chart text { font-size: 11px; fill: var(--muted); }
        svg.chart .axis { stroke: var(--line); }
        svg.chart .bar { fill: var(--accent); }
        svg.chart .done { stroke: var(--ok); stroke-width: 1.5; }
        svg.chart .failed { stroke: var(--bad); stroke-width: 1.5; }
        svg.progress { width: 100%; max-width: 720px; height: 18px; }
        svg.progress .track { fill: #e8edf3; } svg.progress .done { fill: var(--ok); } svg.progress .failed { fill: var(--bad); }
        .legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-left: 8px; }
        .legend .swatch.done { background: var(--ok); } .legend .swatch.failed { background: var(--bad); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 10px 0; }
        dt { color: var(--muted); } dd { margin: 0; }
        pre { background: #f3f5f8; padding: 10px; border-radius: 4px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
        .filters { display: flex; gap: 14px; align-items: end; margin-bottom: 10px; flex-wrap: wrap; }
        .filters input, .filters select { padding: 4px 6px; }
        .actions { display: flex; gap: 10px; margin-top: 10px; }
        .pager a { margin-right: 10px; }
        .tabs a { margin-right: 12px; } .tabs a[aria-current] { font-weight: 700; text-decoration: none; color: var(--fg); }
        ul.plain { list-style: none; margin: 0; padding: 0; }
        .last-run .big { font-size: 28px; font-weight: 700; margin: 4px 0; color: var(--ok); }
        .last-run.late .big { color: var(--bad); }
        footer { color: var(--muted); font-size: 12px; padding: 10px 20px 24px; }
        body.single { display: flex; min-height: 100vh; align-items: center; justify-content: center; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 24px 28px; max-width: 440px; }
        .card label { display: block; margin: 12px 0 4px; font-weight: 600; }
        .card input { width: 100%; padding: 7px 8px; margin-bottom: 12px; }
        @media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
        """

    /// `dashboard.js`: select every dead letter of the page at once, and ask before leaving a purge half-done.
    static let javaScript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          var all = document.getElementById("select-all");
          if (all) {
            all.addEventListener("change", function () {
              document.querySelectorAll("#dead tbody input[type=checkbox]").forEach(function (box) { box.checked = all.checked; });
            });
          }
          var form = document.getElementById("dead-form");
          if (form) {
            form.addEventListener("submit", function (event) {
              var chosen = document.querySelectorAll("#dead tbody input[type=checkbox]:checked").length;
              var submitter = event.submitter;
              if (submitter && submitter.name !== "only" && chosen === 0) {
                event.preventDefault();
                alert("Select at least one job.");
              }
            });
          }
        });
        """
}
