import Foundation

/// `GET /`: drop files or a folder (each is POSTed to /api/submissions), the year's units from
/// /api/status (refreshed while files arrive, filterable), the summary's download. No CDN, no build step.
enum Page {
    static func home(_ token: String?) -> String { "/" + (token.map { "?token=\(pct($0))" } ?? "") }

    /// `years`: the register's years, newest first (a select; files of a new year add theirs as they arrive).
    static func index(token: String?, years: [Int]) -> String {
        let options = years.map { "<option value=\"\($0)\">\($0) 年度</option>" }.joined()
        return """
        <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>考评台 · 绩效目标考评表</title><style>\(css)\(indexCSS)</style></head><body>
        <header><h1>考评台</h1><span class="muted">绩效目标考评表收件、检查与汇总</span>
        <label>年度 <select id="fyear">\(options)</select></label><a id="summary" href="#" download>下载本年度得分汇总</a></header>
        <section id="drop" tabindex="0">
          <p><b>把各单位的考评表（或整个文件夹）拖到这里</b></p>
          <p>或 <label class="btn">选择文件<input id="pick" type="file" multiple accept=".xlsx,.xls,.xlsm,.et,.ods,.docx"></label>
             <label class="btn">选择文件夹<input id="pickdir" type="file" webkitdirectory multiple></label></p>
          <p id="progress" class="muted"></p>
        </section>
        <section class="filters">
          <label>状态 <select id="fstate"><option value="">全部</option><option value="ok">通过</option><option value="errors">待修改</option>
            <option value="unreadable">无法读取</option><option value="missing">未提交</option></select></label>
          <label>轮次 <select id="fround"><option value="">全部</option><option value="1">仅一轮</option><option value="2">两轮及以上</option></select></label>
          <label>单位 <input id="fname" type="search" placeholder="输入单位名称筛选"></label>
          <span id="counts" class="muted"></span>
        </section>
        <table id="units"><thead><tr><th>单位</th><th>状态</th><th>轮次</th><th>错误</th><th>警告</th><th>提示</th><th>与上一轮相比</th><th>最近文件</th></tr></thead>
        <tbody></tbody></table>
        <p id="empty" class="muted">登记簿中还没有考评表。</p>
        <ul id="log"></ul>
        <script>\(js)</script></body></html>
        """
    }

    static let css = """
    body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;padding:12px 20px;background:#f6f7fb;color:#222}
    header{display:flex;gap:14px;align-items:baseline;flex-wrap:wrap;margin-bottom:10px}
    h1{font-size:22px;margin:0}h2{font-size:16px;margin:14px 0 6px}h3{font-size:14px;margin:10px 0 4px}
    a{color:#1a5fd0}.muted{color:#778}
    .state{padding:1px 8px;border-radius:10px;font-size:13px;white-space:nowrap}
    .st-ok{background:#dff5e3;color:#1e7e34}.st-errors{background:#fde2e1;color:#b00020}
    .st-unreadable{background:#eee;color:#555;border:1px dashed #999}.st-missing{background:#fff3cd;color:#8a6d00}
    code{font-family:Consolas,monospace;background:#eef1f6;padding:0 3px}
    """

    static let indexCSS = """
    #drop{border:2px dashed #9ab;border-radius:8px;padding:14px;text-align:center;background:#fff}
    #drop.over{background:#e8f0fe;border-color:#1a73e8}
    .btn{display:inline-block;padding:4px 12px;border:1px solid #9ab;border-radius:4px;cursor:pointer;background:#f3f6fb;margin:0 4px}
    .btn input{display:none}
    .filters{margin:12px 0;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
    #units{border-collapse:collapse;width:100%;background:#fff}
    #units th,#units td{border:1px solid #dde;padding:4px 8px;text-align:left;font-size:14px}
    #units th{background:#eef1f6}#units td.n{text-align:right}
    .resolved{color:#1e7e34}.introduced{color:#b00020}
    #log{font-size:13px;color:#555;max-height:200px;overflow:auto}#log .bad{color:#b00020}
    """

    static let js = #"""
    (function () {
      var params = new URLSearchParams(location.search);
      var token = params.get('token'), year = params.get('year');
      function q(path, extra) {
        var p = new URLSearchParams(extra || {});
        if (year) p.set('year', year);
        if (token) p.set('token', token);
        var s = p.toString();
        return path + (s ? (path.indexOf('?') < 0 ? '?' : '&') + s : '');
      }
      var names = {ok: '通过', errors: '待修改', unreadable: '无法读取', missing: '未提交'};
      var data = {units: []};
      function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
      function render() {
        var fs = document.getElementById('fstate').value, fr = document.getElementById('fround').value;
        var fn = document.getElementById('fname').value.trim();
        var rows = [], counts = {ok: 0, errors: 0, unreadable: 0, missing: 0};
        data.units.forEach(function (u) {
          counts[u.state] = (counts[u.state] || 0) + 1;
          var n = u.rounds.length, last = u.rounds[n - 1];
          if (fs && u.state !== fs) return;
          if (fr === '1' && n !== 1) return;
          if (fr === '2' && n < 2) return;
          if (fn && u.unit.indexOf(fn) < 0) return;
          var change = n >= 2 ? '<span class="resolved">改正 ' + u.resolved.length + '</span> · <span class="introduced">新增 ' + u.introduced.length + '</span>' : '';
          var href = q('/units/' + encodeURIComponent(u.unit));
          rows.push('<tr data-unit="' + esc(u.unit) + '"><td><a href="' + esc(href) + '">' + esc(u.unit) + '</a></td>' +
            '<td><span class="state st-' + u.state + '" title="' + esc(u.reason || '') + '">' + names[u.state] + '</span></td>' +
            '<td class="n">' + (n || '-') + '</td>' +
            '<td class="n">' + (last ? last.errors : '-') + '</td><td class="n">' + (last ? last.warnings : '-') + '</td>' +
            '<td class="n">' + (last ? last.infos : '-') + '</td><td>' + change + '</td>' +
            '<td>' + (last ? esc(last.file) + (u.reason ? '<br><small class="muted">' + esc(u.reason) + '</small>' : '') : '') + '</td></tr>');
        });
        document.querySelector('#units tbody').innerHTML = rows.join('');
        document.getElementById('empty').style.display = data.units.length ? 'none' : '';
        document.getElementById('counts').textContent = '共 ' + data.units.length + ' 个单位：通过 ' + counts.ok + '，待修改 ' + counts.errors +
          '，无法读取 ' + counts.unreadable + '，未提交 ' + counts.missing;
        var sel = document.getElementById('fyear');
        if (data.year && !sel.querySelector('option[value="' + data.year + '"]')) addYear(data.year);
        sel.value = data.year || '';
      }
      function refresh() {
        return fetch(q('/api/status')).then(function (r) { return r.json(); }).then(function (j) { data = j; render(); })
          .catch(function () {});
      }
      function addYear(y) {
        var sel = document.getElementById('fyear'), o = document.createElement('option');
        o.value = y; o.textContent = y + ' 年度';
        var after = Array.prototype.find.call(sel.options, function (x) { return Number(x.value) < y; });
        sel.insertBefore(o, after || null);
      }
      document.getElementById('fyear').addEventListener('change', function (e) {
        year = e.target.value; document.getElementById('summary').href = q('/api/summary.xlsx'); refresh();
      });
      ['fstate', 'fround', 'fname'].forEach(function (id) { document.getElementById(id).addEventListener('input', render); });
      document.getElementById('summary').href = q('/api/summary.xlsx');

      // Uploads: a few at a time; the list refreshes as they land.
      var queue = [], running = 0, done = 0, total = 0, bad = 0, pending = null;
      function log(text, cls) {
        var li = document.createElement('li'); li.textContent = text; if (cls) li.className = cls;
        var ul = document.getElementById('log'); ul.insertBefore(li, ul.firstChild);
      }
      function progress() {
        document.getElementById('progress').textContent = total ? '已上传 ' + done + ' / ' + total + (bad ? '，其中 ' + bad + ' 份无法读取或未登记' : '') : '';
      }
      function soon() { if (!pending) pending = setTimeout(function () { pending = null; refresh(); }, 300); }
      function pump() {
        while (running < 4 && queue.length) {
          var f = queue.shift(); running++;
          (function (f) {
            fetch(q('/api/submissions', {name: f.name}), {method: 'POST', body: f}).then(function (r) {
              return r.text().then(function (t) {
                var j = null; try { j = JSON.parse(t); } catch (e) {}
                if ((r.status === 201 || r.status === 200) && j && j.year && !document.querySelector('#fyear option[value="' + j.year + '"]')) addYear(j.year);
                if (r.status === 201 || r.status === 200) {
                  log(f.name + '：' + j.unit + ' 第 ' + j.round + ' 轮' + (r.status === 200 ? '（同一文件已登记过）' : '') + '，错误 ' + j.errors + '，警告 ' + j.warnings);
                } else {
                  bad++; log(f.name + '：' + (j && j.reason ? '无法读取：' + j.reason : t.trim()), 'bad');
                }
              });
            }).catch(function (e) { bad++; log(f.name + '：上传失败 ' + e, 'bad'); })
              .then(function () { running--; done++; progress(); soon(); pump(); });
          })(f);
        }
      }
      function add(files) {
        files.forEach(function (f) {
          if (f.name.charAt(0) === '.' || f.name.indexOf('~$') === 0) return;
          queue.push(f); total++;
        });
        progress(); pump();
      }
      function walk(entry, out) {
        return new Promise(function (resolve) {
          if (entry.isFile) { entry.file(function (f) { out.push(f); resolve(); }, function () { resolve(); }); return; }
          if (!entry.isDirectory) { resolve(); return; }
          var reader = entry.createReader(), all = [];
          (function more() {
            reader.readEntries(function (es) {
              if (!es.length) { Promise.all(all.map(function (e) { return walk(e, out); })).then(resolve); return; }
              all = all.concat(Array.prototype.slice.call(es)); more();
            }, function () { resolve(); });
          })();
        });
      }
      var drop = document.getElementById('drop');
      drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
      drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
      drop.addEventListener('drop', function (e) {
        e.preventDefault(); drop.classList.remove('over');
        var items = e.dataTransfer.items, out = [], waits = [];
        if (items && items.length && items[0].webkitGetAsEntry) {
          for (var i = 0; i < items.length; i++) { var en = items[i].webkitGetAsEntry(); if (en) waits.push(walk(en, out)); }
          Promise.all(waits).then(function () { add(out); });
        } else { add(Array.prototype.slice.call(e.dataTransfer.files)); }
      });
      ['pick', 'pickdir'].forEach(function (id) {
        document.getElementById(id).addEventListener('change', function (e) { add(Array.prototype.slice.call(e.target.files)); e.target.value = ''; });
      });
      refresh(); setInterval(refresh, 5000);
    })();
    """#
}
