// Progressive enhancement only: every page works without this file.
// Elements with data-refresh-url are re-fetched while something is in progress (a snapshot being created),
// so the admin sees progress without reloading. Without JavaScript a <noscript><meta refresh> reloads the
// page instead (inside <noscript> so that it is never scheduled when this script runs: removing a parsed
// meta refresh does not cancel it).
(function () {
  'use strict';
  var region = document.querySelector('[data-refresh-url]');
  var reload = document.querySelector('meta[name="panel-reload-seconds"]');
  if (!region && reload) {
    // A page in progress without a region to refresh in place (a drill, a restore, a running cycle): reload it.
    setTimeout(
      function () {
        location.reload();
      },
      Number(reload.getAttribute('content') || '5') * 1000,
    );
  }
  if (region) {
    var url = region.getAttribute('data-refresh-url');
    var interval = Number(region.getAttribute('data-refresh-seconds') || '5') * 1000;
    var tick = function () {
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) {
          // Sent elsewhere (signed out): show that page for real.
          if (r.redirected) return location.reload();
          return r.ok ? r.text() : Promise.reject(r.status);
        })
        .then(function (html) {
          if (typeof html !== 'string') return;
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.querySelector('[data-refresh-url]');
          var current = document.querySelector('[data-refresh-url]');
          if (fresh && current) {
            current.replaceWith(fresh);
            setTimeout(tick, interval);
          } else if (current) {
            // Nothing in progress any more: show the final state.
            var next = doc.querySelector('#snapshots-region');
            var here = document.querySelector('#snapshots-region');
            if (next && here) here.replaceWith(next);
            // A page without the list (Hetzner did not answer this time): keep what is shown, try again.
            else setTimeout(tick, interval * 2);
          }
        })
        .catch(function () {
          setTimeout(tick, interval * 2);
        });
    };
    setTimeout(tick, interval);
  }
  // Submit buttons disable themselves once pressed, so a double click sends one request.
  document.addEventListener('submit', function (e) {
    var button = e.target.querySelector('button[type=submit]');
    if (button)
      setTimeout(function () {
        button.disabled = true;
        button.setAttribute('aria-busy', 'true');
      }, 0);
  });
})();
