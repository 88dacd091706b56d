// On site: the phone's position (check-in, photo stamps) and signatures drawn with a finger.
// No inline scripts (the Content Security Policy forbids them); everything hangs on data attributes.

(() => {
  const geoInputs = document.querySelectorAll("input[data-geo]");
  const statuses = document.querySelectorAll("[data-geo-status]");
  const say = (key) => statuses.forEach((el) => { el.textContent = el.dataset[key] || ""; });
  if (geoInputs.length) {
    if (!("geolocation" in navigator)) {
      say("unavailable");
    } else {
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const { latitude, longitude, accuracy } = position.coords;
          geoInputs.forEach((input) => {
            const value = { latitude, longitude, accuracy }[input.dataset.geo];
            if (value !== undefined && value !== null) {
              input.value = input.dataset.geo === "accuracy" ? String(Math.round(value)) : value.toFixed(6);
            }
          });
          say("located");
        },
        () => say("unavailable"),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    }
  }

  // Signature pads: a canvas, a hidden input that receives the PNG, Clear and Sign again buttons.
  document.querySelectorAll(".signature-pad").forEach((pad) => {
    const canvas = pad.querySelector("canvas");
    const input = pad.querySelector("input[type=hidden]");
    const context = canvas.getContext("2d");
    context.lineWidth = 3.2;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    let drawing = false;
    let inked = false;
    const point = (event) => {
      const box = canvas.getBoundingClientRect();
      return [
        (event.clientX - box.left) * (canvas.width / box.width),
        (event.clientY - box.top) * (canvas.height / box.height),
      ];
    };
    const restore = () => {
      if (!input.value) return;
      const image = new Image();
      image.onload = () => { context.drawImage(image, 0, 0); inked = true; };
      image.src = input.value;
    };
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.moveTo(...point(event));
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      context.lineTo(...point(event));
      context.stroke();
      inked = true;
      event.preventDefault();
    });
    const finish = () => {
      if (!drawing) return;
      drawing = false;
      if (inked) {
        input.value = canvas.toDataURL("image/png");
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    const clear = pad.querySelector("[data-clear]");
    clear.addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      input.value = "";
      inked = false;
    });
    const again = pad.querySelector("[data-sign-again]");
    if (again) {
      again.addEventListener("click", () => {
        const shown = pad.querySelector("img.signature");
        if (shown) shown.hidden = true;
        canvas.hidden = false;
        clear.hidden = false;
        again.hidden = true;
      });
    }
    restore();
    pad.addEventListener("restore", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      if (input.value) {
        const shown = pad.querySelector("img.signature");
        if (shown) shown.hidden = true;
        canvas.hidden = false;
        clear.hidden = false;
      }
      restore();
    });
  });
})();
