extension DashboardTemplates {
    /// The config's schedules: next fire times in their zone and in UTC, and the last slot enqueued.
    static let schedules = #"""
        {{>header}}
        <h1>Schedules</h1>
        {{#hasSchedules}}
        <table class="grid" id="schedules">
          <thead><tr><th>schedule</th><th>cron</th><th>zone</th><th>catch-up</th><th>job</th><th>next fire times</th><th>last slot enqueued</th></tr></thead>
          <tbody>
          {{#schedules}}
          <tr data-schedule="{{name}}">
            <td>{{name}}</td><td><code>{{cron}}</code></td><td>{{zone}}</td><td>{{catchUp}}</td><td>{{handler}} on {{queue}}</td>
            <td><ul class="plain">{{#next}}<li>{{local}} <span class="hint">{{utc}} · {{age}}</span></li>{{/next}}</ul></td>
            <td>{{#last}}{{local}} <span class="hint">{{age}}</span><br><a href="{{jobHref}}"><code>{{jobID}}</code></a>{{/last}}{{^last}}<span class="hint">none yet</span>{{/last}}</td>
          </tr>
          {{/schedules}}
          </tbody>
        </table>
        <p class="note">Slots are enqueued by the runs themselves, inside their claim request (docs/schedules.md). Config read when tick-serve started.</p>
        {{/hasSchedules}}
        {{^hasSchedules}}<p class="empty">No schedules in the config (<code>schedules</code> in tick.json; docs/schedules.md).</p>{{/hasSchedules}}
        {{>footer}}
        """#
}
