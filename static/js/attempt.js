/* Enhances the attempt page: one question at a time without reloads, answers saved the moment
 * they are chosen (queued on this device while offline and re-sent), and a countdown kept in
 * step with the server's remaining time. Without this script the page works as plain forms. */
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root || !window.fetch || !window.JSON) { return; }

  var attemptId = root.dataset.attemptId;
  var api = root.dataset.api;
  var reviewUrl = root.dataset.reviewUrl;
  var form = document.getElementById("question-form");
  var token = form.querySelector("input[name=csrf_token]").value;
  var statusEl = document.getElementById("save-status");
  var countdownEl = document.getElementById("countdown");
  var queueKey = "attempt-" + attemptId + "-queue";
  var state = null;
  var position = parseInt(root.dataset.position, 10) || 1;
  var endsAt = performance.now() + parseInt(root.dataset.remainingMs, 10);
  var flushing = false;
  var finished = false;
  // the browser's title names the question shown ("Câu 7 · Đợt 1 · …")
  var titleRest = document.title.replace(/^Câu \d+/, "");

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
  }
  function storeQueue(queue) {
    try { localStorage.setItem(queueKey, JSON.stringify(queue)); } catch (e) { /* full */ }
  }
  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "save-status " + (kind || "");
  }
  function resync(ms) { endsAt = performance.now() + ms; }

  function tick() {
    var leftMs = endsAt - performance.now();
    var left = Math.max(0, Math.ceil(leftMs / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    countdownEl.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    root.classList.toggle("hurry", left <= 60);
    // Submit only once the server's deadline has really passed (a little margin for clocks):
    // the server then finishes the attempt as timed out with the saved answers.
    if (leftMs <= -300 && !finished) { finished = true; timeUp(); }
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token,
                 "Accept": "application/json" },
      body: body ? JSON.stringify(body) : undefined
    });
  }

  function finishedElsewhere() {
    storeQueue([]);
    window.location.href = root.dataset.resultUrl;
  }

  function flush() {
    if (flushing) { return Promise.resolve(); }
    var queue = loadQueue();
    if (!queue.length) { return Promise.resolve(); }
    flushing = true;
    setStatus("Đang lưu…");
    var item = queue[0];
    return request("PUT", api + "/answers/" + item.position, item.body).then(function (res) {
      if (res.status === 409 || res.status === 404) {
        flushing = false;
        setStatus("Đã hết giờ hoặc bài đã nộp.", "error");
        return finishedElsewhere();
      }
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json().then(function (data) {
        resync(data.remaining_ms);
        var rest = loadQueue();
        rest.shift();
        storeQueue(rest);
        flushing = false;
        setStatus(rest.length ? "Đang lưu…" : "Đã lưu", "ok");
        return flush();
      });
    }).catch(function () {
      flushing = false;
      setStatus("Mất kết nối: câu trả lời được giữ trên máy và sẽ gửi lại.", "error");
    });
  }

  function enqueue(pos, body) {
    var queue = loadQueue();
    queue.push({ position: pos, body: body });
    storeQueue(queue);
    flush();
  }

  function question(pos) { return state.questions[pos - 1]; }

  function render() {
    var q = question(position);
    // A question read aloud stops when another one is shown.
    if (window.speechSynthesis && window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); }
    form.setAttribute("action", form.getAttribute("action").replace(/\/cau\/\d+$/, "/cau/" + position));
    form.querySelector("legend").textContent = "Câu " + position + "/" + state.questions.length;
    document.title = "Câu " + position + titleRest;
    document.getElementById("question-text").textContent = q.text;
    var box = document.getElementById("choices");
    while (box.firstChild) { box.removeChild(box.firstChild); }
    q.choices.forEach(function (text, i) {
      var label = document.createElement("label");
      label.className = "choice";
      var input = document.createElement("input");
      input.type = "radio"; input.name = "choice"; input.value = String(i);
      input.checked = q.answer === i;
      var letter = document.createElement("span");
      letter.className = "letter"; letter.textContent = "ABCDEF".charAt(i) + ".";
      var span = document.createElement("span");
      span.className = "choice-text"; span.textContent = text;
      label.appendChild(input); label.appendChild(document.createTextNode(" "));
      label.appendChild(letter); label.appendChild(document.createTextNode(" "));
      label.appendChild(span);
      box.appendChild(label);
    });
    form.querySelector("input[name=flagged]").checked = q.flagged;
    form.querySelector("button[value=prev]").disabled = position === 1;
    Array.prototype.forEach.call(form.querySelectorAll(".navigator button"), function (b) {
      var n = parseInt(b.value, 10), item = question(n);
      b.classList.toggle("answered", item.answer !== null);
      b.classList.toggle("flagged", item.flagged);
      b.classList.toggle("current", n === position);
      b.setAttribute("aria-label", "Câu " + n + (item.answer !== null ? ", đã trả lời" : "") +
        (item.flagged ? ", đã đánh dấu" : ""));
      if (n === position) { b.setAttribute("aria-current", "step"); }
      else { b.removeAttribute("aria-current"); }
    });
    if (history.replaceState) { history.replaceState(null, "", "?cau=" + position); }
  }

  function applyQueued() {
    loadQueue().forEach(function (item) {
      var q = question(item.position);
      if (!q) { return; }
      if ("choice" in item.body) { q.answer = item.body.choice; }
      if ("flagged" in item.body) { q.flagged = item.body.flagged; }
    });
  }

  form.addEventListener("change", function (event) {
    if (!state) { return; }
    var q = question(position);
    if (event.target.name === "choice") {
      q.answer = parseInt(event.target.value, 10);
      enqueue(position, { choice: q.answer });
    } else if (event.target.name === "flagged") {
      q.flagged = event.target.checked;
      enqueue(position, { flagged: q.flagged });
    }
    render();
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=go]") : null;
    if (!button || !state) { return; }
    event.preventDefault();
    var go = button.value, count = state.questions.length;
    if (go === "review" || (go === "next" && position === count)) {
      flush().then(function () { window.location.href = reviewUrl; });
      return;
    }
    if (go === "prev") { position = Math.max(1, position - 1); }
    else if (go === "next") { position = Math.min(count, position + 1); }
    else { position = Math.min(count, Math.max(1, parseInt(go, 10))); }
    render();
    window.scrollTo(0, 0);
  });

  function timeUp() {
    setStatus("Hết giờ: đang nộp bài với các câu đã lưu…");
    flush().then(function () {
      return request("POST", api + "/submit", {});
    }).then(function () { finishedElsewhere(); }, function () { finishedElsewhere(); });
  }

  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  setInterval(tick, 500);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { tick(); flush(); }
  });

  fetch(api, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json();
    })
    .then(function (data) {
      if (data.finished) { return finishedElsewhere(); }
      state = data;
      resync(data.remaining_ms);
      applyQueued();
      root.classList.add("enhanced");
      render();
      tick();
      flush();
    })
    .catch(function () {
      setStatus("Không tải được bài thi; trang vẫn dùng được ở chế độ cơ bản.", "error");
      tick();
    });
}());
