/* The "Nộp bài" page: the time left counts down live, and at zero the attempt is submitted
 * with the answers already saved (and the prediction, if one is written), then the result. */
(function () {
  "use strict";
  var root = document.getElementById("nop-bai");
  if (!root || !window.fetch || !window.JSON) { return; }
  var out = document.getElementById("con-lai");
  var note = document.getElementById("nop-tu-dong");
  var form = root.querySelector("form");
  var token = form.querySelector("input[name=csrf_token]").value;
  var endsAt = performance.now() + parseInt(root.dataset.remainingMs, 10);
  var done = false;

  function prediction() {
    var input = form.querySelector("input[name=prediction]");
    var digits = input ? input.value.replace(/[.,\s]/g, "") : "";
    return /^\d+$/.test(digits) ? { prediction: parseInt(digits, 10) } : {};
  }

  function finish() {
    window.location.href = root.dataset.resultUrl;
  }

  function timeUp() {
    note.textContent = "Hết giờ: đang nộp bài với các câu đã lưu…";
    fetch(root.dataset.api + "/submit", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token,
                 "Accept": "application/json" },
      body: JSON.stringify(prediction())
    }).then(finish, finish);
  }

  function tick() {
    var leftMs = endsAt - performance.now();
    var left = Math.max(0, Math.ceil(leftMs / 1000));
    out.textContent = Math.floor(left / 60) + " phút " + (left % 60) + " giây";
    // a little past zero, so that the server's deadline has really passed
    if (leftMs <= -300 && !done) { done = true; timeUp(); }
  }

  setInterval(tick, 500);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { tick(); } });
  tick();
}());
