// The map picker on the enterprise form: a tap on the drawn city sets the longitude and latitude
// fields; typing coordinates moves the marker. The projection matches enterprises/mapping.py.
(() => {
  const picker = document.getElementById("map-picker");
  if (!picker) return;
  const svg = picker.querySelector("svg");
  const marker = svg.querySelector(".marker");
  const lng = document.getElementById("id_longitude");
  const lat = document.getElementById("id_latitude");
  if (!lng || !lat) return;
  // Shown right below the coordinates it sets.
  const after = lng.closest(".field") || lng;
  after.after(picker);
  const west = parseFloat(picker.dataset.west);
  const north = parseFloat(picker.dataset.north);
  const scale = parseFloat(picker.dataset.scale);
  const cos = parseFloat(picker.dataset.cos);
  const place = () => {
    const x = (parseFloat(lng.value) - west) * scale;
    const y = (north - parseFloat(lat.value)) * scale / cos;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      marker.setAttribute("cx", x.toFixed(1));
      marker.setAttribute("cy", y.toFixed(1));
    }
  };
  svg.addEventListener("click", (event) => {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    lng.value = (west + local.x / scale).toFixed(6);
    lat.value = (north - local.y * cos / scale).toFixed(6);
    [lng, lat].forEach((field) => field.dispatchEvent(new Event("change", { bubbles: true })));
    place();
  });
  [lng, lat].forEach((field) => field.addEventListener("input", place));
  place();
})();
