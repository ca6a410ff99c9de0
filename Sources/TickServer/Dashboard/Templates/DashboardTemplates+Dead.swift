extension DashboardTemplates {
    /// A page of one queue's dead letters, with a filter, retry (one or the page's) and purge (confirmed).
    static let dead = #"""
        {{>header}}
        <h1>Dead letters</h1>
        <form class="filters" method="get" action="{{base}}/dead">
          <label>queue <select name="queue">{{#queues}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}} ({{dead}})</option>{{/queues}}</select></label>
          <label>id or reason contains <input name="filter" value="{{filter}}" maxlength="200"></label>
          <button>Show</button>
        </form>
        <p id="dead-summary"><strong data-total="{{total}}">{{total}}</strong> dead job(s) in <code>{{queue}}</code>{{#filtering}}; <strong data-matches="{{matches}}">{{matches}}</strong> match among the newest {{scanned}} (a filter looks at the newest {{scanLimit}} at most){{/filtering}}.</p>
        {{#hasLetters}}
        <form method="post" id="dead-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="queue" value="{{queue}}">
          <input type="hidden" name="back" value="{{backQuery}}">
          <table class="grid" id="dead">
            <thead><tr>{{#isAdmin}}<th><input type="checkbox" id="select-all" aria-label="Select every job on this page" checked></th>{{/isAdmin}}<th>job</th><th>dead since</th><th class="num">attempts</th><th>reason</th>{{#isAdmin}}<th></th>{{/isAdmin}}</tr></thead>
            <tbody>
            {{#letters}}
            <tr data-dead="{{id}}">
              {{#isAdmin}}<td><input type="checkbox" name="id" value="{{id}}" checked aria-label="Select {{id}}"></td>{{/isAdmin}}
              <td><a href="{{jobHref}}"><code>{{id}}</code></a></td><td title="{{deadUTC}}">{{deadAge}}</td><td class="num">{{attempt}} / {{maxAttempts}}</td>
              <td class="detail">{{reason}}</td>
              {{#isAdmin}}<td><button formaction="{{base}}/dead/retry" name="only" value="{{id}}" class="small">Retry</button></td>{{/isAdmin}}
            </tr>
            {{/letters}}
            </tbody>
          </table>
          {{#isAdmin}}
          <p class="actions">
            <button formaction="{{base}}/dead/retry" id="retry-selected">Retry selected</button>
            <button formaction="{{base}}/dead/purge" id="purge-selected" class="danger">Purge selected…</button>
          </p>
          {{/isAdmin}}
          {{^isAdmin}}<p class="note">Read-only session: log in with the admin token to retry or purge.</p>{{/isAdmin}}
        </form>
        <p class="pager">{{#previousHref}}<a href="{{previousHref}}" rel="prev">newer</a>{{/previousHref}} {{pageLabel}} {{#nextHref}}<a href="{{nextHref}}" rel="next">older</a>{{/nextHref}}</p>
        {{/hasLetters}}
        {{^hasLetters}}<p class="empty">Nothing here.</p>{{/hasLetters}}
        {{>footer}}
        """#

    /// The purge confirmation: the jobs about to be deleted, and a second POST that does it.
    static let confirm = #"""
        {{>header}}
        <h1>Purge {{count}} dead job(s) from <code>{{queue}}</code>?</h1>
        <p>They are deleted from Redis and cannot be retried afterwards; their records in PostgreSQL stay.</p>
        <ul id="purge-list">{{#ids}}<li><code>{{.}}</code></li>{{/ids}}</ul>
        <form method="post" action="{{base}}/dead/purge">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="queue" value="{{queue}}">
          <input type="hidden" name="back" value="{{backQuery}}">
          <input type="hidden" name="confirmed" value="yes">
          {{#ids}}<input type="hidden" name="id" value="{{.}}">{{/ids}}
          <button class="danger" id="confirm-purge">Purge {{count}} job(s)</button>
          <a href="{{cancelHref}}">Cancel</a>
        </form>
        {{>footer}}
        """#
}
