/* The live monitor: fetch the figures fragment every few seconds and swap it in, without a
 * page reload. Same origin, cookies only (no token needed: a GET that changes nothing); if the
 * session ended or the server fails, it stops and says so. Paused while the tab is hidden.
 * Without this script the page keeps its "Cập nhật số liệu" link. */
(function () {
  "use strict";
  var box = document.getElementById("so-lieu");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.monitorUrl;
  var seconds = parseInt(box.dataset.monitorSeconds, 10) || 5;
  var note = document.querySelector("[data-monitor-note]");
  var timer = null;
  if (note) { note.hidden = false; }

  function stop(message) {
    if (timer) { clearInterval(timer); timer = null; }
    if (note) { note.textContent = message; }
  }

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", redirect: "error", headers: { Accept: "text/html" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("text/html") !== 0) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () {
        stop("Không cập nhật được số liệu (mất kết nối hoặc phiên đăng nhập đã hết). Hãy tải lại trang.");
      });
  }

  timer = setInterval(refresh, seconds * 1000);
})();
