/* The poster's "In áp phích" button (shown only where the browser can print). */
(function () {
  "use strict";
  var button = document.getElementById("in-ap-phich");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
