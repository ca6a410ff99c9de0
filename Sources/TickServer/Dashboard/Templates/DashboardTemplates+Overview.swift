extension DashboardTemplates {
    /// The last run's age, queues, the busiest flow keys (when there are any), the last 24 hours as charts, the cost
    /// projection, and the recent runs.
    static let overview = #"""
        {{>header}}
        <h1>Overview</h1>
        <section class="last-run {{lastRunClass}}" id="last-run" data-age="{{lastRunAgeSeconds}}" data-state="{{lastRunClass}}">
          <h2>Last run</h2>
          <p class="big">{{lastRunAge}}{{#lastRunTrigger}} <span class="badge" id="last-run-trigger">{{lastRunTrigger}}</span>{{/lastRunTrigger}}</p>
          <p class="note">{{#lastRunUTC}}Started {{lastRunUTC}}. {{/lastRunUTC}}Red past {{lastRunLimit}} without a run (<code>TICK_DASHBOARD_MAX_SILENCE</code>): is the cron still calling tick?</p>
        </section>
        <section>
          <h2>Queues</h2>
          {{#hasQueues}}
          <table class="grid" id="queues">
            <thead><tr><th>queue</th><th class="num">ready</th><th class="num">delayed</th><th class="num">leased</th><th class="num">dead</th><th></th></tr></thead>
            <tbody>
            {{#queues}}
            <tr data-queue="{{name}}">
              <td>{{name}}{{#paused}} <span class="badge" data-paused="1">paused</span>{{/paused}}</td>
              <td class="num" data-count="ready">{{ready}}</td>
              <td class="num" data-count="delayed">{{delayed}}{{#dueDelayed}} <span class="hint">({{dueDelayed}} due)</span>{{/dueDelayed}}</td>
              <td class="num" data-count="leased">{{leased}}{{#expiredLeases}} <span class="hint">({{expiredLeases}} expired)</span>{{/expiredLeases}}</td>
              <td class="num" data-count="dead">{{dead}}</td>
              <td><a href="{{deadHref}}">dead letters</a></td>
            </tr>
            {{/queues}}
            </tbody>
          </table>
          {{/hasQueues}}
          {{^hasQueues}}<p class="empty">No queues yet: nothing was ever enqueued under this prefix.</p>{{/hasQueues}}
        </section>
        {{#hasFlowKeys}}
        <section>
          <h2>Busiest flow keys</h2>
          <table class="grid" id="flow-keys">
            <thead><tr><th>queue</th><th>handler</th><th>key</th><th class="num">waiting</th><th class="num">running</th><th></th></tr></thead>
            <tbody>
            {{#flowKeys}}
            <tr data-flow-key="{{key}}">
              <td>{{queue}}</td><td>{{handler}}</td><td>{{key}}</td>
              <td class="num" data-count="waiting">{{waiting}}</td><td class="num" data-count="running">{{running}}</td>
              <td>{{#parked}}<span class="badge" data-parked="1">parked {{parked}}</span>{{/parked}}</td>
            </tr>
            {{/flowKeys}}
            </tbody>
          </table>
          <p class="note">The 10 keys with the most jobs waiting and running (<code>tick stats --keys</code>); a parked key is at its limit until then (docs/flow-control.md).</p>
        </section>
        {{/hasFlowKeys}}
        <section class="charts">
          <div><h2>Runs per hour</h2>{{{runsChart}}}</div>
          <div><h2>Items per minute</h2>{{{itemsChart}}}<p class="legend"><span class="swatch done"></span> done <span class="swatch failed"></span> failed</p></div>
          <p class="note">From <code>tick_runs</code>, last 24 hours: {{runs24h}} run(s) that claimed work, {{items24h}} item(s) done, {{failed24h}} failed.
          An idle run (nothing ready) writes no row, so idle minutes do not show.</p>
        </section>
        <section>
          <h2>Upstash commands this month</h2>
          <p id="projection"><strong>{{projectedCommands}}</strong> commands projected for a 30-day month ({{freeTierShare}} of the free tier's 500,000;
          pay-as-you-go ${{dollars}}): runs every {{cadence}} min claim ({{runCommands}}), plus {{enqueueCommands}} for producers at one request per job,
          at {{jobsPerDay}} jobs/day observed over {{observedDays}} in <code>tick_runs</code>, <code>--batch {{batch}}</code>.
          Recorded so far this month by runs that claimed work: {{monthCommands}}.{{^keepsUp}} <span class="warn">Runs every {{cadence}} min with this batch cannot keep up with this traffic: raise --batch.</span>{{/keepsUp}}</p>
          <p id="footprint">Bandwidth: <strong>{{bandwidth}}</strong> a month ({{bandwidthShare}} of the free 10 GB); storage: <strong>{{storage}}</strong>
          ({{storageShare}} of the free 256 MB), at jobs of 1 KB (<code>tick stats --cost --job-bytes</code> projects your size; docs/cost.md).</p>
        </section>
        <section>
          <h2>Recent runs</h2>
          {{#hasRuns}}
          <table class="grid" id="runs">
            <thead><tr><th>run</th><th>started</th><th>trigger</th><th class="num">took</th><th class="num">claimed</th><th class="num">items done / failed</th>
            <th class="num">jobs done / retried / dead / released</th><th class="num">Redis req / cmd</th><th>exit</th></tr></thead>
            <tbody>
            {{#runs}}
            <tr data-run="{{id}}">
              <td>{{id}}</td><td title="{{startedUTC}}">{{startedAge}}</td><td>{{trigger}}{{#schedule}} <span class="hint">{{schedule}}</span>{{/schedule}}</td>
              <td class="num">{{took}}</td><td class="num">{{claimed}}</td><td class="num">{{itemsDone}} / {{itemsFailed}}</td>
              <td class="num">{{jobsCompleted}} / {{jobsRetried}} / {{jobsDead}} / {{jobsReleased}}</td><td class="num">{{redisRequests}} / {{redisCommands}}</td>
              <td><span class="badge {{exitClass}}">{{exitReason}}</span></td>
            </tr>
            {{/runs}}
            </tbody>
          </table>
          <p class="pager">{{#newerHref}}<a href="{{newerHref}}">newest runs</a>{{/newerHref}} {{#olderHref}}<a href="{{olderHref}}" rel="next">older runs</a>{{/olderHref}}</p>
          {{/hasRuns}}
          {{^hasRuns}}<p class="empty">No run has claimed work yet.</p>{{/hasRuns}}
        </section>
        {{>footer}}
        """#
}
