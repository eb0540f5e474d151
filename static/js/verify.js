/* The publication page's "Kiểm tra": download the published ranking data, compute its SHA-256
 * in the browser (SubtleCrypto) and say whether it matches the digest shown on the page. */
(function () {
  "use strict";
  var button = document.getElementById("nut-kiem-tra");
  var result = document.getElementById("ket-qua-kiem-tra");
  var shown = document.getElementById("ma-cong-bo");
  if (!button || !result || !shown) { return; }
  if (!window.fetch || !window.crypto || !window.crypto.subtle) {
    // SubtleCrypto exists only on https pages (and on this computer's own address).
    result.textContent = "Trình duyệt này không tự kiểm tra được (cần trang https); " +
      "hãy dùng cách kiểm tra bằng dòng lệnh bên dưới.";
    return;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }
  function say(text, kind) {
    result.textContent = text;
    result.className = "verify-result " + (kind || "");
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("Đang tải dữ liệu và tính mã…");
    fetch(button.getAttribute("data-url"), { credentials: "omit", cache: "no-store" })
      .then(function (res) {
        if (!res.ok) { throw new Error("HTTP " + res.status); }
        return res.arrayBuffer();
      })
      .then(function (data) { return window.crypto.subtle.digest("SHA-256", data); })
      .then(function (digest) {
        var computed = hex(digest);
        if (computed === shown.textContent.trim().toLowerCase()) {
          say("✓ Khớp: dữ liệu xếp hạng có đúng mã SHA-256 đã công bố, không bị sửa đổi.", "ok");
        } else {
          say("✗ Không khớp: mã tính được là " + computed + ", khác mã đã công bố. " +
              "Hãy báo cho Ban Tổ chức.", "error");
        }
      })
      .catch(function () {
        say("Không tải được dữ liệu để kiểm tra. Hãy thử lại khi có kết nối mạng.", "error");
      })
      .then(function () { button.disabled = false; });
  });
  button.hidden = false;
}());
