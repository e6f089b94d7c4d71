// Small enhancements; every page works without them.
(function () {
  function csrf() {
    var t = document.querySelector('meta[name="_csrf"]'), h = document.querySelector('meta[name="_csrf_header"]');
    return t && h ? [h.content, t.content] : null;
  }

  // The definition editor: the server validates the JSON as you type (after a pause) and lists what it refuses.
  function editor(area) {
    var out = document.getElementById(area.dataset.validateOutput), timer = null, seq = 0;
    function check() {
      var mine = ++seq, headers = { 'Content-Type': 'application/json' }, c = csrf();
      if (c) { headers[c[0]] = c[1]; }
      fetch(area.dataset.validateUrl, { method: 'POST', headers: headers, body: area.value, credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (result) {
          if (mine !== seq) { return; }
          out.textContent = '';
          out.className = result.valid ? 'flash ok' : 'flash bad';
          if (result.valid) { out.textContent = 'Valid definition.'; return; }
          var p = document.createElement('p'); p.textContent = result.message; out.appendChild(p);
          var ul = document.createElement('ul');
          (result.violations || []).forEach(function (v) {
            var li = document.createElement('li'), code = document.createElement('code');
            code.textContent = v.field; li.appendChild(code); li.appendChild(document.createTextNode(' ' + v.reason));
            ul.appendChild(li);
          });
          out.appendChild(ul);
        })
        .catch(function () { out.className = 'flash bad'; out.textContent = 'Could not reach the server to validate.'; });
    }
    area.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(check, 600); });
    check();
  }

  // Select all rows of a table of executions.
  function selectAll(box) {
    box.addEventListener('change', function () {
      document.querySelectorAll('input[name="ids"]').forEach(function (b) { b.checked = box.checked; });
    });
  }

  // Another step row in the composer.
  function addStep(button) {
    button.addEventListener('click', function () {
      var rows = document.getElementById('steps'), last = rows.lastElementChild, copy = last.cloneNode(true);
      var n = rows.children.length;
      copy.querySelectorAll('input, select, textarea').forEach(function (f) {
        f.name = f.name.replace(/\[\d+\]/, '[' + n + ']'); f.id = f.id.replace(/-\d+$/, '-' + n);
        if (f.tagName !== 'SELECT') { f.value = ''; }
      });
      copy.querySelectorAll('label').forEach(function (l) { l.htmlFor = l.htmlFor.replace(/-\d+$/, '-' + n); });
      rows.appendChild(copy);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('textarea[data-validate-url]').forEach(editor);
    document.querySelectorAll('input[data-select-all]').forEach(selectAll);
    document.querySelectorAll('button[data-add-step]').forEach(addStep);
    var refresh = document.querySelector('meta[name="baton-refresh"]');
    if (refresh) { setTimeout(function () { window.location.reload(); }, Number(refresh.content) * 1000); }
  });
})();
