/* Check-in scanner: reads QR codes with the phone's camera through the browser's
   BarcodeDetector, fills the code field and sends the form. Typing the code always works. */
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-scan-form]");
  if (!box || !form) return;
  var input = form.querySelector('input[name="code"]');
  var status = box.querySelector("[data-scanner-status]");
  var video = box.querySelector("[data-scanner-video]");
  var start = box.querySelector("[data-scanner-start]");

  // A QR code read by the phone's own camera app opens this page with ?code=: send it.
  if (input && input.value && new URLSearchParams(location.search).get("code")) {
    form.requestSubmit ? form.requestSubmit() : form.submit();
    return;
  }
  box.hidden = false;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    status.textContent = box.getAttribute("data-msg-unsupported");
    start.hidden = true;
    return;
  }
  var detector;
  try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
  catch (e) { status.textContent = box.getAttribute("data-msg-unsupported"); start.hidden = true; return; }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        status.textContent = box.getAttribute("data-msg-looking");
        return video.play().then(function () { look(stream); });
      })
      .catch(function () { status.textContent = box.getAttribute("data-msg-denied"); });
  });

  function look(stream) {
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        input.value = codes[0].rawValue;
        status.textContent = box.getAttribute("data-msg-found");
        stream.getTracks().forEach(function (t) { t.stop(); });
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return;
      }
      window.setTimeout(function () { look(stream); }, 200);
    }).catch(function () { window.setTimeout(function () { look(stream); }, 500); });
  }
  // Returning to the page after a check-in: start the camera again without a tap when allowed.
  if (sessionStorage.getItem("cashmob-scan-camera") === "on") start.click();
  start.addEventListener("click", function () { sessionStorage.setItem("cashmob-scan-camera", "on"); });
})();
