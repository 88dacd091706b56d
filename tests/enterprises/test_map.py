"""The city map from shipped data: district areas that partition the city, enterprises coloured by
tier or state as links, the list's filters, a district filling the map, and the form's picker."""

import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from enterprises import mapping
from tests import factories


def test_district_areas_partition_the_city_and_hold_their_centres():
    cells = mapping.district_cells()
    assert set(cells) == set(mapping.map_data()["districts"])
    for code, cell in cells.items():
        assert mapping.contains(cell, mapping.district_centre(code)), code
    outline = [mapping.projection().xy(*q) for q in mapping.map_data()["outline"]]
    rng = random.Random(7)
    inside = 0
    for _ in range(400):
        point = (rng.uniform(0, mapping.WIDTH), rng.uniform(0, mapping.projection().height))
        owners = [code for code, cell in cells.items() if mapping.contains(cell, point)]
        if mapping.contains(outline, point):
            inside += 1
            assert len(owners) == 1, (point, owners)  # no gaps, no overlaps
        else:
            assert owners == []
    assert inside > 100
    # The demo places an enterprise inside its district (or its built-up area).
    for code in cells:
        lng, lat = mapping.point_in_district(code, rng, built_up=True)
        assert mapping.contains(cells[code], mapping.projection().xy(lng, lat)), code


@pytest.mark.django_db
def test_the_map_shows_enterprises_as_links_coloured_by_tier_or_state(client, inspector):
    jinjiang = factories.District.objects.get(code="jinjiang")
    placed = factories.EnterpriseFactory(
        name="晋江地图鞋业有限公司",
        district=jinjiang,
        tier="D",
        latitude=Decimal("24.760000"),
        longitude=Decimal("118.560000"),
    )
    factories.EnterpriseFactory(name="无坐标企业", district=jinjiang, latitude=None, longitude=None)
    client.force_login(inspector)
    url = reverse("enterprises:map")
    page = client.get(url).content.decode()
    link = re.search(
        rf'<a href="{reverse("dossier:detail", args=[placed.pk])}" aria-label="([^"]+)">', page
    )
    assert link and "晋江地图鞋业有限公司" in link.group(1) and "晋江市" in link.group(1)
    assert 'fill="#dc2626"' in page  # tier D in red
    assert "1 家企业没有登记坐标" in page
    assert page.count('class="district"') == len(mapping.district_cells())
    assert "建成区" in page and "工业园区" in page
    by_state = client.get(url + "?colour=state").content.decode()
    assert "已分级" in by_state or "已登记" in by_state
    # The list's filters apply; a district fills the map.
    whole = re.search(r'viewBox="([^"]+)"', page).group(1)
    zoomed = client.get(url + f"?district={jinjiang.pk}").content.decode()
    assert re.search(r'viewBox="([^"]+)"', zoomed).group(1) != whole
    assert "晋江地图鞋业" in zoomed
    assert "晋江地图鞋业" not in client.get(url + "?tier=A").content.decode()
    # Nonsense filters are not a 500; an enterprise account has no map.
    assert client.get(url + "?district=abc&colour=<x>").status_code == 200
    client.force_login(factories.enterprise_user(placed))
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_registration_form_has_the_map_picker(client, inspector):
    client.force_login(inspector)
    page = client.get(reverse("enterprises:create")).content.decode()
    assert 'id="map-picker"' in page and "js/map.js" in page and 'class="marker"' in page
