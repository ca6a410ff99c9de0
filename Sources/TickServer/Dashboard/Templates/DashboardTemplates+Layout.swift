extension DashboardTemplates {
    /// Top of every page after login: navigation, job search, who is logged in, logout (a POST with the CSRF token).
    static let header = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>{{title}} · tick</title>
        <link rel="stylesheet" href="{{base}}/assets/dashboard.css">
        <script src="{{base}}/assets/dashboard.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="{{base}}">tick</a>
          <nav>{{#nav}}<a href="{{href}}"{{#active}} aria-current="page"{{/active}}>{{label}}</a>{{/nav}}</nav>
          <form class="jump" method="get" action="{{base}}/job"><input name="id" placeholder="job id" aria-label="Open a job by id" required><button>Open job</button></form>
          <span class="who" data-role="{{role}}">{{roleLabel}}</span>
          <form method="post" action="{{base}}/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link">Log out</button></form>
        </header>
        <main>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        """#

    /// Bottom of every page: what the page cost in Redis, measured, and its bound.
    static let footer = #"""
        </main>
        <footer>
          Redis for this page: <strong id="redis-cost" data-requests="{{redisRequests}}" data-commands="{{redisCommands}}" data-bound="{{redisBound}}">{{redisRequests}} request(s), {{redisCommands}} billable command(s)</strong>
          (this page never costs more than {{redisBound}}; see docs/dashboard.md). Rendered {{renderedAt}}.
        </footer>
        </body>
        </html>
        """#

    /// A page with one message: errors, 401, 403, 404.
    static let message = #"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}} · tick</title>
        <link rel="stylesheet" href="{{base}}/assets/dashboard.css"></head>
        <body class="single">
        <main class="card">
          <h1>{{title}}</h1>
          <p id="message">{{message}}</p>
          {{#loginHref}}<p><a href="{{loginHref}}">Log in</a></p>{{/loginHref}}
          {{#backHref}}<p><a href="{{backHref}}">Back to the dashboard</a></p>{{/backHref}}
        </main>
        </body>
        </html>
        """#

    /// The login form: a token, posted to the same path; the answer sets the session cookie.
    static let login = #"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Log in · tick</title>
        <link rel="stylesheet" href="{{base}}/assets/dashboard.css"></head>
        <body class="single">
        <main class="card">
          <h1>tick dashboard</h1>
          {{#error}}<p class="error" role="alert" id="login-error">{{error}}</p>{{/error}}
          <form method="post" action="{{base}}/login" id="login">
            <label for="token">Dashboard token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
            <button>Log in</button>
          </form>
          <p class="note">Use <code>TICK_DASHBOARD_TOKEN</code> to look, <code>TICK_DASHBOARD_ADMIN_TOKEN</code> to also retry and purge
          dead letters and cancel jobs. The session lasts {{lifetime}}, in an HttpOnly cookie.</p>
        </main>
        </body>
        </html>
        """#
}
