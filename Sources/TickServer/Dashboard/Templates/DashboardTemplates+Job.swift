extension DashboardTemplates {
    /// One job: its record in Redis, its checkpoint and its items in PostgreSQL.
    static let job = #"""
        {{>header}}
        <h1>Job <code id="job-id">{{id}}</code></h1>
        {{^found}}<p class="empty" id="not-found">No job with this id in Redis or PostgreSQL (a finished job's record stays in Redis for 24 hours).</p>{{/found}}
        {{#found}}
        <section class="facts">
          <dl>
            <dt>state in Redis</dt><dd><span class="badge state-{{state}}" id="job-state">{{state}}</span></dd>
            <dt>queue</dt><dd>{{queue}}</dd>
            <dt>handler</dt><dd>{{handler}}</dd>
            <dt>attempts</dt><dd id="job-attempts">{{attempt}} of {{maxAttempts}}</dd>
            {{#enqueuedAt}}<dt>enqueued</dt><dd>{{enqueuedAt}}</dd>{{/enqueuedAt}}
            {{#updatedAt}}<dt>updated</dt><dd>{{updatedAt}}</dd>{{/updatedAt}}
            {{#leaseUntil}}<dt>lease until</dt><dd>{{leaseUntil}}</dd>{{/leaseUntil}}
            {{#schedule}}<dt>schedule</dt><dd>{{schedule}} (slot {{slot}})</dd>{{/schedule}}
            {{#checkpointState}}<dt>checkpoint</dt><dd>{{checkpointState}}, fence {{fence}}{{#cursor}}, cursor <code>{{cursor}}</code>{{/cursor}}</dd>{{/checkpointState}}
          </dl>
          {{#error}}<p class="error" id="job-error"><strong>Error:</strong> {{error}}</p>{{/error}}
          {{#cancelRequested}}<p class="note" id="cancel-requested">Cancel requested: its run starts none of its remaining items.</p>{{/cancelRequested}}
          {{#cancellable}}{{#isAdmin}}
          <form method="post" action="{{base}}/job/cancel" id="cancel-form">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
            <button class="danger" id="cancel-job">Cancel job</button>
          </form>
          {{/isAdmin}}{{/cancellable}}
          {{#lastFailure}}<p class="error"><strong>Last failed item:</strong> #{{lastFailureIndex}}: {{lastFailure}}</p>{{/lastFailure}}
        </section>
        <section>
          <h2>Progress</h2>
          {{{progressBar}}}
          <p id="progress"><strong data-items="done">{{done}}</strong> done, <strong data-items="failed">{{failed}}</strong> failed{{#total}}, of <strong data-items="total">{{total}}</strong> {{unit}}{{/total}}{{^total}} (total not known yet){{/total}}.
          Idempotency key of each: <code>{{id}}:{{keyInfix}}INDEX</code>.</p>
          <p class="tabs"><a href="{{allHref}}"{{^failedOnly}} aria-current="page"{{/failedOnly}}>all {{unit}}</a> <a href="{{failedHref}}"{{#failedOnly}} aria-current="page"{{/failedOnly}}>failed only</a></p>
          {{#hasItems}}
          <table class="grid" id="items">
            <thead><tr><th class="num">#</th><th>idempotency key</th><th>state</th><th class="num">attempt</th><th>run</th><th>finished</th><th>result / error</th></tr></thead>
            <tbody>
            {{#items}}
            <tr data-item="{{index}}" data-state="{{state}}"><td class="num">{{index}}</td><td><code>{{key}}</code></td><td><span class="badge item-{{state}}">{{state}}</span></td>
            <td class="num">{{attempt}}</td><td>{{run}}</td><td title="{{finishedUTC}}">{{finishedAge}}</td><td class="detail">{{detail}}</td></tr>
            {{/items}}
            </tbody>
          </table>
          {{/hasItems}}
          {{^hasItems}}<p class="empty">No items on this page.</p>{{/hasItems}}
          <p class="pager">{{#previousHref}}<a href="{{previousHref}}" rel="prev">previous</a>{{/previousHref}} {{pageLabel}} {{#nextHref}}<a href="{{nextHref}}" rel="next">next</a>{{/nextHref}}</p>
        </section>
        <section>
          <h2>Payload</h2>
          {{^specComplete}}<p class="note">The first {{specShown}} of {{specSize}}.</p>{{/specComplete}}
          <pre id="payload">{{spec}}</pre>
        </section>
        {{/found}}
        {{>footer}}
        """#
}
