// The Web Service Demo: runs the chosen function against this service (a real SOAP 1.1 request),
// shows the request, the response and the decoded result, and keeps the sample code in step with
// the fields. The envelope and the code come from the server (/demo/snippets), made from the same
// description of the functions, so what this page sends is exactly what the curl sample sends.
(function () {
  'use strict';

  var form = document.getElementById('demo-form');
  if (!form) return;
  var select = document.getElementById('function');
  var summary = document.getElementById('function-summary');
  var runButton = document.getElementById('run');
  var status = document.getElementById('status');
  var decoded = document.getElementById('decoded');
  var requestCode = document.querySelector('#soap-request code');
  var responseCode = document.querySelector('#soap-response code');
  var problems = document.getElementById('problems');
  var resultSection = document.getElementById('result');
  var snippetsUrl = form.getAttribute('data-snippets-url');
  var latest = 0;
  var timer = null;

  // ----- function choice ---------------------------------------------------------------------

  function showFunction() {
    var name = select.value;
    document.querySelectorAll('fieldset[data-function]').forEach(function (fieldset) {
      var on = fieldset.getAttribute('data-function') === name;
      fieldset.hidden = !on;
      fieldset.disabled = !on;
    });
    var option = select.options[select.selectedIndex];
    summary.textContent = option ? option.getAttribute('data-summary') : '';
    runButton.textContent = 'Run ' + name;
  }

  // ----- sample code ---------------------------------------------------------------------------

  function formBody() {
    return new URLSearchParams(new FormData(form));
  }

  // Fetches the envelope and the sample code for the current values; only the newest answer is applied.
  function refresh() {
    var ticket = ++latest;
    return fetch(snippetsUrl, { method: 'POST', body: formBody(), headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('the code could not be generated (HTTP ' + response.status + ')');
        return response.json();
      })
      .then(function (snapshot) {
        if (ticket === latest) apply(snapshot);
        return snapshot;
      });
  }

  function apply(snapshot) {
    snapshot.snippets.forEach(function (snippet) {
      var code = document.getElementById('code-' + snippet.id);
      if (code) code.textContent = snippet.code;
    });
    problems.hidden = snapshot.problems.length === 0;
    problems.textContent = snapshot.problems.join('; ');
  }

  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(function () { refresh().catch(showError); }, 250);
  }

  // ----- running ---------------------------------------------------------------------------------

  function requestText(snapshot) {
    return 'POST ' + snapshot.soapPath + '\nContent-Type: ' + snapshot.contentType +
      '\nSOAPAction: "' + snapshot.soapAction + '"\n\n' + snapshot.envelope;
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  function showError(error) {
    setStatus(String(error && error.message ? error.message : error), 'failed');
  }

  function run() {
    clearTimeout(timer);
    runButton.disabled = true;
    resultSection.setAttribute('aria-busy', 'true');
    decoded.textContent = '';
    responseCode.textContent = '';
    setStatus('Running ' + select.value + '…', 'busy');
    return refresh()
      .then(function (snapshot) {
        if (snapshot.problems.length) throw new Error('Please correct: ' + snapshot.problems.join('; '));
        requestCode.textContent = requestText(snapshot);
        return fetch(snapshot.soapPath, {
          method: 'POST',
          headers: { 'Content-Type': snapshot.contentType, 'SOAPAction': '"' + snapshot.soapAction + '"' },
          body: snapshot.envelope
        }).then(function (response) {
          return response.text().then(function (text) {
            responseCode.textContent = 'HTTP ' + response.status + ' ' + response.statusText +
              '\nContent-Type: ' + (response.headers.get('Content-Type') || '') + '\n\n' + prettyXml(text);
            decode(snapshot, text);
          });
        });
      })
      .catch(showError)
      .then(function () {
        runButton.disabled = false;
        resultSection.removeAttribute('aria-busy');
      });
  }

  // ----- decoding the reply ----------------------------------------------------------------------

  function childElements(element) {
    return Array.prototype.filter.call(element.childNodes, function (n) { return n.nodeType === 1; });
  }

  function child(element, name) {
    return childElements(element).filter(function (c) { return c.localName === name; })[0];
  }

  function findElement(doc, name) {
    var all = doc.getElementsByTagName('*');
    for (var i = 0; i < all.length; i++) if (all[i].localName === name) return all[i];
    return null;
  }

  function decode(snapshot, text) {
    var functionName = snapshot.function;
    var doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) {
      setStatus('The response is not XML.', 'failed');
      return;
    }
    var fault = findElement(doc, 'Fault');
    if (fault) {
      var reason = findElement(fault, 'faultstring') || findElement(fault, 'Text');
      setStatus('SOAP fault: ' + (reason ? reason.textContent : fault.textContent), 'failed');
      return;
    }
    var wrapper = findElement(doc, snapshot.responseElement);
    var reply = wrapper && child(wrapper, snapshot.returnElement);
    if (!reply) {
      setStatus('The response has no ' + snapshot.responseElement + '/' + snapshot.returnElement + '.', 'failed');
      return;
    }
    var error = child(reply, 'error');
    var message = child(reply, 'message');
    var code = error ? error.textContent.trim() : '?';
    setStatus('error ' + code + ': ' + (message ? message.textContent : ''), code === '0' ? 'ok' : 'failed');

    var outcome = document.createElement('dl');
    outcome.className = 'outcome';
    addEntry(outcome, 'error', text_(code));
    addEntry(outcome, 'message', text_(message ? message.textContent : ''));
    decoded.appendChild(outcome);
    var result = child(reply, 'result');
    if (code === '0') {
      var block = document.createElement('div');
      block.className = 'result';
      block.setAttribute('data-field', 'result');
      var heading = document.createElement('h3');
      heading.textContent = 'result';
      block.appendChild(heading);
      block.appendChild(result ? renderValue(result, functionName) : text_('(none)'));
      decoded.appendChild(block);
    }

    if (functionName === 'CreateWebHook' && code === '0' && result) fillWebHookId(child(result, 'id'));
  }

  function text_(value) {
    var span = document.createElement('span');
    span.textContent = value;
    return span;
  }

  function addEntry(list, name, content) {
    var dt = document.createElement('dt');
    dt.textContent = name;
    var dd = document.createElement('dd');
    dd.setAttribute('data-field', name);
    dd.appendChild(content);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  // A list is an element whose children all share one name and have children of their own (WebHook items).
  function renderValue(element, functionName) {
    var children = childElements(element);
    if (children.length === 0) {
      if (functionName === 'GetWebHooks' && element.localName === 'result') return text_('no webhooks');
      if (functionName === 'GetWebHookDeliveries' && element.localName === 'result') return text_('no delivery attempts in the last 7 days');
      return text_(element.textContent);
    }
    var itemName = children[0].localName;
    var isList = childElements(children[0]).length > 0 &&
      children.every(function (c) { return c.localName === itemName; }) && (children.length > 1 || element.localName === 'result');
    if (isList) return renderTable(children, itemName);
    var list = document.createElement('dl');
    children.forEach(function (c) { addEntry(list, c.localName, renderValue(c, functionName)); });
    return list;
  }

  function renderTable(items, itemName) {
    var wrapper = document.createElement('div');
    wrapper.className = 'table-scroll';
    wrapper.setAttribute('tabindex', '0');
    wrapper.setAttribute('role', 'region');
    wrapper.setAttribute('aria-label', itemName + ' list');
    var table = document.createElement('table');
    table.className = 'result-list';
    var caption = document.createElement('caption');
    caption.textContent = items.length + ' × ' + itemName;
    table.appendChild(caption);
    var columns = childElements(items[0]).map(function (c) { return c.localName; });
    var head = table.createTHead().insertRow();
    columns.forEach(function (name) {
      var th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    items.forEach(function (item) {
      var row = body.insertRow();
      columns.forEach(function (name) {
        var cell = row.insertCell();
        cell.setAttribute('data-field', name);
        var value = child(item, name);
        cell.textContent = value ? value.textContent : '';
      });
    });
    wrapper.appendChild(table);
    return wrapper;
  }

  // After CreateWebHook, the new id is what the functions that take a webhook id will want.
  function fillWebHookId(idElement) {
    if (!idElement) return;
    var id = idElement.textContent.trim();
    document.querySelectorAll('input[name="webhookId"]').forEach(function (input) { input.value = id; });
    setStatus(status.textContent + ' — webhook id ' + id + ' filled in for the functions that take one.', 'ok');
  }

  function prettyXml(text) {
    if (!/^\s*</.test(text)) return text;
    var depth = 0;
    return text.trim().replace(/>\s*</g, '>\n<').split('\n').map(function (line) {
      if (/^<\//.test(line)) depth = Math.max(depth - 1, 0);
      var out = new Array(depth + 1).join('  ') + line;
      if (/^<[^!?\/][^>]*[^\/]>$/.test(line) || /^<[^!?\/\s>]>$/.test(line)) depth++;
      return out;
    }).join('\n');
  }

  // ----- copy buttons ----------------------------------------------------------------------------

  function copy(button) {
    var code = document.getElementById(button.getAttribute('data-copy'));
    var text = code ? code.textContent : '';
    var done = function () {
      button.textContent = 'Copied';
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); } catch (e) { /* the code stays selectable by hand */ }
    document.body.removeChild(area);
  }

  // ----- language tabs (WAI-ARIA tabs pattern: arrows, Home, End) ------------------------------

  var tablist = document.querySelector('[role="tablist"]');
  var tabs = tablist ? Array.prototype.slice.call(tablist.querySelectorAll('[role="tab"]')) : [];

  function selectTab(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(t.getAttribute('aria-controls'));
      panel.hidden = !on;
    });
    if (focus) tab.focus();
  }

  if (tablist && tabs.length) {
    tabs.forEach(function (tab) {
      var panel = document.getElementById(tab.getAttribute('aria-controls'));
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', tab.id);
      tab.addEventListener('click', function () { selectTab(tab, false); });
    });
    tablist.addEventListener('keydown', function (event) {
      var index = tabs.indexOf(document.activeElement);
      if (index < 0) return;
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], true);
    });
    tablist.hidden = false;
    selectTab(tabs[0], false);
  }

  // ----- wiring ----------------------------------------------------------------------------------

  document.querySelectorAll('button.copy').forEach(function (button) {
    button.addEventListener('click', function () { copy(button); });
  });
  select.addEventListener('change', function () { showFunction(); refreshSoon(); });
  form.addEventListener('input', function (event) { if (event.target !== select) refreshSoon(); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    run();
  });
  showFunction();
  refresh().catch(showError);
  document.documentElement.setAttribute('data-demo-ready', 'true');
})();
