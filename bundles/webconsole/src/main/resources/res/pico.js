/* The Pico page of the Felix Web Console: polls data.json every second and keeps the two tables up to date
 * in place (rows keyed by pid and by provider), so that a button is never replaced under the pointer. */
(function () {
  'use strict';

  var page = document.getElementById('pico');
  // absolute, from the origin: a relative URL would carry the credentials of an address such as
  // http://admin:admin@127.0.0.1:8080/..., and fetch refuses those
  var root = window.location.origin + page.getAttribute('data-root');
  var INTERVAL = 1000;
  var timer = null;
  var loading = false;
  var again = false;

  function text(node, value) {
    value = value == null ? '' : String(value);
    if (node.textContent !== value) {
      node.textContent = value;
    }
  }

  function seconds(ns) {
    return (ns / 1e9).toFixed(2) + ' s';
  }

  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function button(label, className, title) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'ui-state-default ui-corner-all ' + className;
    b.textContent = label;
    b.title = title;
    return b;
  }

  /* Makes the body's rows match the items, in order: one row per key, cells updated in place. */
  function sync(table, items, key, columns, create, update) {
    var body = table.tBodies[0];
    var existing = {};
    Array.prototype.forEach.call(body.rows, function (row) {
      existing[row.getAttribute('data-key')] = row;
    });
    items.forEach(function (item, index) {
      var k = key(item);
      var row = existing[k];
      if (row) {
        delete existing[k];
      } else {
        row = document.createElement('tr');
        row.setAttribute('data-key', k);
        for (var c = 0; c < columns; c++) {
          row.appendChild(document.createElement('td'));
        }
        create(row, item);
      }
      update(row, item);
      if (body.rows[index] !== row) {
        body.insertBefore(row, body.rows[index] || null);
      }
    });
    Object.keys(existing).forEach(function (k) {
      body.removeChild(existing[k]);
    });
  }

  function renderProcesses(processes) {
    var table = document.getElementById('pico-processes');
    sync(table, processes, function (p) { return String(p.pid); }, 10, function (row, p) {
      row.id = 'pico-process-' + p.pid;
      row.className = 'pico-process';
      var actions = row.cells[9];
      var term = button('Terminate', 'pico-term', 'send TERM to process ' + p.pid);
      var kill = button('Kill', 'pico-kill', 'send KILL to process ' + p.pid);
      term.setAttribute('data-pid', p.pid);
      term.setAttribute('data-signal', 'TERM');
      kill.setAttribute('data-pid', p.pid);
      kill.setAttribute('data-signal', 'KILL');
      actions.appendChild(term);
      actions.appendChild(kill);
    }, function (row, p) {
      var ended = p.state === 'EXITED';
      row.setAttribute('data-state', p.state);
      row.classList.toggle('pico-ended', ended);
      text(row.cells[0], p.pid);
      text(row.cells[1], p.ppid || '-');
      text(row.cells[2], p.personality);
      text(row.cells[3], p.provider || '(waiting for a provider)');
      text(row.cells[4], ended ? 'EXITED (' + p.exit + ')' : p.state);
      row.cells[4].className = 'pico-state';
      text(row.cells[5], p.threads);
      text(row.cells[6], seconds(p.cpuNanos));
      text(row.cells[7], bytes(p.memory));
      text(row.cells[8], p.command);
      row.cells[8].className = 'pico-command';
      Array.prototype.forEach.call(row.cells[9].querySelectorAll('button'), function (b) {
        b.disabled = ended;
      });
    });
    document.getElementById('pico-no-processes').style.display = processes.length ? 'none' : '';
  }

  function renderProviders(providers) {
    var table = document.getElementById('pico-providers');
    sync(table, providers, function (p) { return p.personality + ' ' + p.bundle + ' ' + p.version; }, 7,
      function (row, p) {
        row.className = 'pico-provider';
        row.setAttribute('data-personality', p.personality);
        var swap = button('Swap', 'pico-swap',
          'hot-swap the running ' + p.personality + ' processes to the provider the kernel uses now');
        swap.setAttribute('data-personality', p.personality);
        row.cells[6].appendChild(swap);
      }, function (row, p) {
        text(row.cells[0], p.personality);
        text(row.cells[1], p.bundle);
        text(row.cells[2], p.version);
        text(row.cells[3], p.shadowed ? 'shadowed (ranking ' + p.ranking + ')' : 'in use' +
          (p.ranking ? ' (ranking ' + p.ranking + ')' : ''));
        var pct = p.total ? Math.round(100 * p.full / p.total) : 0;
        text(row.cells[4], p.full + ' full, ' + p.partial + ' partial of ' + p.total + ' (' + pct + '% full)');
        text(row.cells[5], (p.formats || []).join('; '));
        row.cells[6].querySelector('button').style.display = p.shadowed ? 'none' : '';
      });
    document.getElementById('pico-no-providers').style.display = providers.length ? 'none' : '';
  }

  function render(data) {
    renderProcesses(data.processes);
    renderProviders(data.providers);
    var s = data.statistics;
    text(document.getElementById('pico-summary'), s.processes + ' process' + (s.processes === 1 ? '' : 'es') +
      ', ' + s.threads + ' thread' + (s.threads === 1 ? '' : 's') + ', ' + s.engines + ' engine' +
      (s.engines === 1 ? '' : 's') + ', ' + bytes(s.hostMemory) + ' guest memory; CPU engine ' + data.engine +
      '; updated ' + new Date(data.time).toLocaleTimeString());
    page.setAttribute('data-updated', String(data.time));
  }

  function message(msg, error) {
    var m = document.getElementById('pico-message');
    text(m, msg);
    m.className = error ? 'ui-state-error' : 'ui-state-highlight';
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    fetch(root + '/data.json', {cache: 'no-store', credentials: 'same-origin'})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(render)
      .catch(function (e) {
        text(document.getElementById('pico-summary'), 'Cannot reach the pico runtime: ' + e.message);
      })
      .then(function () {
        loading = false;
        if (again) {
          again = false;
          schedule(0);
        } else {
          schedule(INTERVAL);
        }
      });
  }

  function act(action, params) {
    return fetch(root + '/' + action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'X-Pico-Action': action, 'Content-Type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams(params).toString()
    }).then(function (r) {
      return r.json();
    }).then(function (result) {
      message(result.message, !result.ok);
    }).catch(function (e) {
      message(action + ' failed: ' + e.message, true);
    }).then(function () {
      refresh();
    });
  }

  page.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b || b.disabled) {
      return;
    }
    if (b.classList.contains('pico-kill') || b.classList.contains('pico-term')) {
      act('kill', {pid: b.getAttribute('data-pid'), signal: b.getAttribute('data-signal')});
    } else if (b.classList.contains('pico-swap')) {
      act('swap', {personality: b.getAttribute('data-personality')});
    }
  });

  refresh();
}());
