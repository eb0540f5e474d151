/* A background export's page: ask the JSON status every 2 seconds and move the bar; when the
 * job is done or failed, reload the page, which then shows the download link or the retry
 * button. Same origin, cookies only (a GET that changes nothing). Paused while the tab is
 * hidden; stops and says so if the session ended or the server fails. Without this script the
 * page refreshes itself (<noscript> meta refresh) and keeps its "Làm mới" link. */
(function () {
  "use strict";
  var box = document.getElementById("xuat-tep");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("tien-do");
  var text = box.querySelector("[data-progress-text]");
  var label = box.querySelector("[data-status-label]");
  var notice = box.querySelector("[data-notice]");
  var timer = null;

  function number(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");  /* 12.345, as the page writes it */
  }

  function stop(message) {
    if (timer) { clearInterval(timer); timer = null; }
    if (label) { label.textContent = message; }
  }

  function show(job) {
    if (label) { label.textContent = job.status_label; }
    if (notice) { notice.textContent = job.notice || ""; notice.hidden = !job.notice; }
    if (bar) {
      bar.max = Math.max(job.rows_total, 1);
      bar.value = job.rows_done;
      bar.textContent = job.percent + " %";
    }
    if (text) {
      text.textContent = number(job.rows_done) + " / " + number(job.rows_total) + " dòng (" + job.percent + " %)";
    }
    if (job.status !== box.dataset.status && job.status !== "running") {
      stop(job.status_label);
      window.location.reload();
    }
  }

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", redirect: "error", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(show)
      .catch(function () {
        stop("Không cập nhật được tiến độ (mất kết nối hoặc phiên đăng nhập đã hết). Hãy tải lại trang.");
      });
  }

  timer = setInterval(refresh, 2000);
})();
