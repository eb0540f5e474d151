/* On every page, loaded in <head> so the reader's settings apply before the first paint:
 * text size (4 steps) and high contrast, kept in localStorage; the focus on a form's error
 * summary; and "Đọc câu hỏi", which reads the question and its choices aloud in Vietnamese
 * when the browser has a Vietnamese voice (the button stays hidden otherwise). */
(function () {
  "use strict";
  var html = document.documentElement;
  var SIZES = 4;

  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode: not kept */ }
  }
  function size() {
    var n = parseInt(load("co-chu") || "0", 10);
    return n >= 0 && n < SIZES ? n : 0;
  }
  function apply() {
    html.setAttribute("data-co-chu", String(size()));
    html.setAttribute("data-tuong-phan", load("tuong-phan") === "cao" ? "cao" : "thuong");
  }
  apply();

  function wirePrefs() {
    var box = document.getElementById("tuy-chon-hien-thi");
    if (!box) { return; }
    var contrast = box.querySelector("[data-contrast]");
    function show() {
      var n = size();
      box.querySelector("[data-size=down]").disabled = n === 0;
      box.querySelector("[data-size=up]").disabled = n === SIZES - 1;
      contrast.setAttribute("aria-pressed", String(html.getAttribute("data-tuong-phan") === "cao"));
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-contrast")) {
        save("tuong-phan", load("tuong-phan") === "cao" ? "thuong" : "cao");
      } else {
        var step = button.getAttribute("data-size") === "up" ? 1 : -1;
        save("co-chu", String(Math.min(SIZES - 1, Math.max(0, size() + step))));
      }
      apply();
      show();
    });
    box.hidden = false;
    show();
  }

  // A box whose wide table scrolls sideways inside it (the page itself never does) must be
  // reachable by keyboard when nothing in it takes the focus.
  function scrollableBoxes() {
    var focusable = "a[href], button, input, select, textarea, [tabindex]";
    Array.prototype.forEach.call(document.querySelectorAll(".card, main > table"), function (box) {
      if (box.scrollWidth > box.clientWidth && !box.querySelector(focusable)) {
        box.tabIndex = 0;
      }
    });
  }

  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  }

  function vietnameseVoice() {
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^vi([-_]|$)/i.test(voices[i].lang || "")) { return voices[i]; }
    }
    return null;
  }

  function readAloudText() {
    var parts = [document.getElementById("question-text").textContent];
    Array.prototype.forEach.call(document.querySelectorAll("#choices .choice"), function (c) {
      parts.push(c.querySelector(".letter").textContent + " " +
                 c.querySelector(".choice-text").textContent);
    });
    // One pause between parts: "…có số hiệu nào? A. …", never "…nào?. A."
    return parts.map(function (p) { return p.replace(/\s+/g, " ").trim(); })
      .map(function (p) { return /[.?!:;…]$/.test(p) ? p : p + "."; }).join(" ");
  }

  function wireReadAloud() {
    var button = document.getElementById("doc-cau-hoi");
    var synth = window.speechSynthesis;
    if (!button || !synth || !window.SpeechSynthesisUtterance) { return; }
    var label = button.textContent;
    var help = document.getElementById("doc-cau-hoi-huong-dan");
    function offer() {
      if (!vietnameseVoice()) { return; }
      button.hidden = false;
      if (help) { help.hidden = true; }
    }
    // No Vietnamese voice once the voices have loaded: say how to get one, do not just vanish.
    setTimeout(function () { if (help && button.hidden) { help.hidden = false; } }, 2000);
    function idle() { button.textContent = label; button.setAttribute("aria-pressed", "false"); }
    button.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); idle(); return; }
      var utterance = new window.SpeechSynthesisUtterance(readAloudText());
      utterance.lang = "vi-VN";
      utterance.voice = vietnameseVoice();
      utterance.rate = 0.9;
      utterance.onend = idle;
      utterance.onerror = idle;
      button.textContent = "Dừng đọc";
      button.setAttribute("aria-pressed", "true");
      synth.speak(utterance);
    });
    offer();
    if (synth.addEventListener) { synth.addEventListener("voiceschanged", offer); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    wirePrefs();
    scrollableBoxes();
    focusErrors();
    wireReadAloud();
  });
}());
