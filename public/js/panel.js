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
      // A row's menu is open, or a filter is being typed in: replacing the list would close or clear it; wait.
      var active = document.activeElement;
      var typing = active && active.matches('#snapshots-region input, #snapshots-region select');
      if (typing || document.querySelector('#snapshots-region details.row-menu[open]'))
        return setTimeout(tick, interval);
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

  // Row menus (<details>): Escape closes the open one and gives focus back to its button; opening one
  // closes the others; a click elsewhere closes them. Without this file they still open and close.
  var menus = function () {
    return Array.prototype.slice.call(document.querySelectorAll('details.row-menu[open]'));
  };
  document.addEventListener(
    'toggle',
    function (e) {
      var opened = e.target;
      if (!opened.matches || !opened.matches('details.row-menu') || !opened.open) return;
      menus().forEach(function (menu) {
        if (menu !== opened) menu.open = false;
      });
    },
    true,
  );
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    menus().forEach(function (menu) {
      var inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) menu.querySelector('summary').focus();
    });
  });
  document.addEventListener('click', function (e) {
    menus().forEach(function (menu) {
      if (!menu.contains(e.target)) menu.open = false;
    });
  });

  // Settings: the retention preview follows the form as the admin types, computed by the server
  // (GET …/settings/retention-preview with the form's fields; nothing is stored).
  var live = document.querySelector('[data-live-preview]');
  if (live) {
    var form = live.closest('form');
    var estimate = live.querySelector('[data-live-estimate]');
    var picture = live.querySelector('[data-live-timeline]');
    var timer = null;
    var latest = 0;
    var update = function () {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (key !== '_csrf' && key !== 'intent' && typeof value === 'string') params.append(key, value);
      });
      var mine = ++latest;
      fetch(live.getAttribute('data-live-preview') + '?' + params.toString(), {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      })
        .then(function (r) {
          return r.json();
        })
        .then(function (body) {
          if (mine !== latest) return;
          if (!body.ok) {
            estimate.textContent =
              'The preview waits for valid values: ' + Object.values(body.errors || {}).join(' ');
            return;
          }
          estimate.textContent = body.estimate;
          picture.innerHTML = body.timeline.html;
        })
        .catch(function () {
          /* The "Preview next runs" button still works. */
        });
    };
    var schedule = function () {
      clearTimeout(timer);
      timer = setTimeout(update, 350);
    };
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
  }
})();
