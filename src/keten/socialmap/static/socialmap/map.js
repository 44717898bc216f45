/*
 * The map component of Keten (socialmap/includes/map.html): the shipped CBS boundaries drawn with Leaflet,
 * municipalities coloured by a status document, provinces outlined, optional markers; tiles only when the
 * settings name a tile server. Everything comes from the component's data- attributes, nothing from the internet
 * unless configured. Text goes into the page as text (textContent), never as HTML.
 *
 * The status document (data-status-url):
 *   {"legend": [{"status": "good", "label": "..."}, ...],
 *    "municipalities": {"GM0363": {"status": "good", "label": "Amsterdam: ...", "url": "/optional",
 *                                  "link_label": "optional text of the link"}, ...}}
 *   status is one of good, partial, gap, unknown; a municipality missing from it is unknown.
 * The markers (data-markers-url, optional): a GeoJSON FeatureCollection of Points with the properties
 *   name, organization, types (a list of labels) and url. Points at the same spot share one marker.
 */
(function () {
  "use strict";

  var STATUSES = ["good", "partial", "gap", "unknown"];

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", "utrecht-link", text);
    anchor.href = href;
    return anchor;
  }

  function statusOf(entry) {
    return entry && STATUSES.indexOf(entry.status) !== -1 ? entry.status : "unknown";
  }

  function municipalityPopup(feature, entry, texts) {
    var box = element("div", "keten-map__popup");
    box.appendChild(element("p", "keten-map__popup-title", feature.properties.statnaam));
    box.appendChild(element("p", "", entry && entry.label ? entry.label : texts.unknown));
    if (entry && entry.url) {
      box.appendChild(element("p")).appendChild(link(entry.url, entry.link_label || texts.more));
    }
    return box;
  }

  function servicesPopup(features, texts) {
    var box = element("div", "keten-map__popup");
    var list = box.appendChild(element("ul", "keten-map__popup-list"));
    features.forEach(function (feature) {
      var properties = feature.properties || {};
      var item = list.appendChild(element("li"));
      item.appendChild(element("p", "keten-map__popup-title", properties.name));
      if (properties.organization) {
        item.appendChild(element("p", "", properties.organization));
      }
      if (properties.types && properties.types.length) {
        item.appendChild(element("p", "keten-map__popup-types", properties.types.join(", ")));
      }
      if (properties.url) {
        item.appendChild(element("p")).appendChild(link(properties.url, texts.markerLink));
      }
    });
    return box;
  }

  function legendItem(status, label) {
    var item = element("li", "keten-map__legend-item");
    item.appendChild(element("span", "keten-map__swatch keten-map__swatch--" + status)).setAttribute("aria-hidden", "true");
    item.appendChild(document.createTextNode(label));
    return item;
  }

  /* Points at one spot (an intake point serves many services) get one marker that lists them all. */
  function markersLayer(collection, texts) {
    var bySpot = new Map();
    (collection.features || []).forEach(function (feature) {
      if (!feature.geometry || feature.geometry.type !== "Point") {
        return;
      }
      var key = feature.geometry.coordinates.join(",");
      if (!bySpot.has(key)) {
        bySpot.set(key, []);
      }
      bySpot.get(key).push(feature);
    });
    var layer = L.featureGroup();
    bySpot.forEach(function (features) {
      var coordinates = features[0].geometry.coordinates;
      L.circleMarker([coordinates[1], coordinates[0]], { radius: 6, className: "keten-map__marker" })
        .bindPopup(function () { return servicesPopup(features, texts); })
        .addTo(layer);
    });
    return layer;
  }

  function draw(container, frame, data, texts) {
    var settings = container.dataset;
    var calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // The wheel scrolls the page, not the map: a long page must not get stuck on it (zoom with + and -).
    var map = L.map(frame, { zoomControl: false, attributionControl: false, scrollWheelZoom: false,
                             minZoom: 6, maxZoom: 13, zoomSnap: 0.25,
                             fadeAnimation: !calm, zoomAnimation: !calm, markerZoomAnimation: !calm });
    L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
    if (settings.tileUrl) {
      L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution }).addTo(map);
    } else {
      frame.classList.add("keten-map__frame--plain");
    }

    // The view first: Leaflet draws a layer only once the map has one.
    var provinces = L.geoJSON(data.provinces, { interactive: false, className: "keten-map__province" });
    map.fitBounds(provinces.getBounds());
    map.setMaxBounds(provinces.getBounds().pad(0.5));

    var statuses = data.status.municipalities || {};
    var areas = L.geoJSON(data.municipalities, {
      attribution: settings.source,
      style: function (feature) {
        return { className: "keten-map__area keten-map__area--" + statusOf(statuses[feature.properties.statcode]) };
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return municipalityPopup(feature, statuses[feature.properties.statcode], texts); });
      }
    }).addTo(map);
    areas.eachLayer(function (layer) {  // the CBS code on each area, for tests and styling
      layer.getElement().setAttribute("data-municipality", layer.feature.properties.statcode);
    });
    provinces.addTo(map);
    if (data.markers) {
      markersLayer(data.markers, texts).addTo(map);
    }

    // Leaflet labels its popup's close button in English.
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", texts.close);
        close.title = texts.close;
      }
    });

    var legend = container.querySelector(".keten-map__legend");
    (data.status.legend || []).forEach(function (entry) {
      legend.appendChild(legendItem(statusOf(entry), entry.label));
    });
    if (data.markers) {
      legend.appendChild(legendItem("marker", texts.markerLegend));
    }
  }

  function start(container) {
    var settings = container.dataset;
    var texts = {
      zoomIn: settings.textZoomIn, zoomOut: settings.textZoomOut, close: settings.textClose, more: settings.textMore,
      markerLink: settings.textMarkerLink, markerLegend: settings.textMarkerLegend, unknown: settings.textUnknown
    };
    var frame = container.querySelector(".keten-map__frame");
    var message = container.querySelector(".keten-map__message");
    container.hidden = false;
    frame.hidden = true;
    message.textContent = settings.textLoading;
    Promise.all([
      getJSON(settings.municipalitiesUrl),
      getJSON(settings.provincesUrl),
      getJSON(settings.statusUrl),
      settings.markersUrl ? getJSON(settings.markersUrl) : Promise.resolve(null)
    ]).then(function (loaded) {
      frame.hidden = false;  // Leaflet measures the frame, so it must be shown first
      draw(container, frame, { municipalities: loaded[0], provinces: loaded[1], status: loaded[2], markers: loaded[3] },
           texts);
      message.textContent = "";
      container.classList.add("keten-map--ready");
    }).catch(function (error) {
      frame.hidden = true;
      message.textContent = settings.textFailed;
      if (window.console) {
        window.console.warn(error);
      }
    });
  }

  function startAll() {
    if (typeof L === "undefined") {
      return;  // Leaflet missing: the page's text stands in
    }
    document.querySelectorAll("[data-keten-map]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
