"""Postcodes are normalised and validated, distances are right, the geocoders find what is
loaded, and the import commands report every rejected row by line number."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from linkwork.core.postcodes import InvalidPostcode, is_valid_postcode, normalise_postcode
from linkwork.directory import geography
from linkwork.directory.geography import (
    ImportFileError,
    Point,
    PostcodesIoGeocoder,
    TableGeocoder,
    get_geocoder,
    haversine_km,
    imd_decile,
    import_postcodes,
    parse_postcodes_io,
    postcode_district,
)
from linkwork.directory.models import ImdDecile, Postcode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bk34qt", "BK3 4QT"),
        ("  BK3   4QT ", "BK3 4QT"),
        ("ls1 4ap", "LS1 4AP"),
        ("M1 1AE", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
        ("DN551PT", "DN55 1PT"),
        ("w1a 0ax", "W1A 0AX"),
        ("EC1A1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode_valid_forms(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "BK3", "BK3 4Q", "BK3 4QTX", "QK3 4QT", "BK3 4CT", "1K3 4QT", "BK34 QT Z", "AAA 1AA"],
)
def test_normalise_postcode_invalid_rejected(text):
    with pytest.raises(InvalidPostcode) as raised:
        normalise_postcode(text)
    # The message may be shown or logged: it never repeats what was typed.
    if text.strip():
        assert text.strip() not in str(raised.value)
    assert not is_valid_postcode(text)


def test_postcode_district_is_outward_code():
    assert postcode_district("bk34qt") == "BK3"
    assert postcode_district("EC1A 1BB") == "EC1A"


def test_haversine_one_degree_of_latitude():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.001)


def test_haversine_london_to_paris_known_distance():
    # Charing Cross to Notre-Dame: about 343.5 km along the great circle.
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)


def test_haversine_same_point_and_symmetry():
    assert haversine_km(53.8, -1.55, 53.8, -1.55) == 0
    there = haversine_km(53.8, -1.55, 53.9, -1.6)
    back = haversine_km(53.9, -1.6, 53.8, -1.55)
    assert there == pytest.approx(back)


@pytest.mark.django_db
def test_table_geocoder_locates_loaded_postcode():
    Postcode.objects.create(postcode="BK3 4QT", latitude=53.81, longitude=-1.52, lsoa="E01999010")
    ImdDecile.objects.create(lsoa="E01999010", decile=3)
    point = TableGeocoder().locate(" bk3 4qt")
    assert point == Point(53.81, -1.52, "E01999010")
    assert imd_decile(point.lsoa) == 3


@pytest.mark.django_db
def test_table_geocoder_unknown_or_invalid_postcode_is_none():
    assert TableGeocoder().locate("BK9 9ZZ") is None
    assert TableGeocoder().locate("not a postcode") is None
    assert imd_decile("") is None
    assert imd_decile("E01999999") is None


def test_get_geocoder_defaults_to_table(settings):
    del settings.LINKWORK_GEOCODER
    assert isinstance(get_geocoder(), TableGeocoder)


def test_get_geocoder_postcodes_io_by_setting(settings):
    settings.LINKWORK_GEOCODER = "postcodes.io"
    assert isinstance(get_geocoder(), PostcodesIoGeocoder)


def test_get_geocoder_unknown_name_rejected(settings):
    settings.LINKWORK_GEOCODER = "google"
    with pytest.raises(ImproperlyConfigured, match="LINKWORK_GEOCODER"):
        get_geocoder()


def test_postcodes_io_geocoder_needs_https():
    with pytest.raises(ImproperlyConfigured):
        PostcodesIoGeocoder(base_url="http://api.postcodes.io")


def test_postcodes_io_invalid_postcode_not_sent(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("no request should be made")

    monkeypatch.setattr(geography.urllib.request, "urlopen", fail)
    assert PostcodesIoGeocoder().locate("not a postcode") is None


def test_parse_postcodes_io_response():
    payload = {
        "status": 200,
        "result": {
            "postcode": "LS1 4AP",
            "latitude": 53.796,
            "longitude": -1.548,
            "lsoa": "Leeds 111B",
            "codes": {"lsoa": "E01033015", "admin_district": "E08000035"},
        },
    }
    assert parse_postcodes_io(payload) == Point(53.796, -1.548, "E01033015", "E08000035")


def test_parse_postcodes_io_without_coordinates_is_none():
    assert parse_postcodes_io({"status": 200, "result": {"latitude": None}}) is None
    assert parse_postcodes_io({"status": 404, "error": "Postcode not found"}) is None


POSTCODES_CSV = """\
postcode,latitude,longitude,lsoa
BK1 1AE,53.801066,-1.547972,E01999003
bk11by,53.798677,-1.550951,E01999003
BK1 XYZ,53.8,-1.55,E01999003
BK1 1DL,north,-1.569870,E01999001
BK1 1GL,91,-1.540705,E01999003
BK1 1HH,53.8,-1.5,LEEDS
BK1 1AE,53.9,-1.6,E01999003
BK1 1JJ,nan,-1.5,E01999003
BK1 1LL,53.79,-1.56,
"""


def write(tmp_path: Path, text: str, name: str = "rows.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_postcodes_rejects_bad_rows_with_line_numbers(tmp_path, capsys):
    call_command("import_postcodes", str(write(tmp_path, POSTCODES_CSV)))
    out, err = capsys.readouterr()
    assert "Imported 3 postcodes; rejected 6 rows." in out
    lines = err.splitlines()
    assert lines == [
        "line 4: postcode 'BK1 XYZ' is not a valid UK postcode",
        "line 5: latitude 'north' is not a number",
        "line 6: latitude '91' is outside -90 to 90",
        "line 7: lsoa 'LEEDS' is not an LSOA code such as E01000001",
        "line 8: postcode BK1 1AE is a duplicate of line 2",
        "line 9: latitude 'nan' is outside -90 to 90",
    ]
    assert sorted(Postcode.objects.values_list("postcode", flat=True)) == [
        "BK1 1AE",
        "BK1 1BY",
        "BK1 1LL",
    ]
    assert Postcode.objects.get(postcode="BK1 1AE").latitude == pytest.approx(53.801066)


@pytest.mark.django_db
def test_import_postcodes_updates_existing_rows(tmp_path):
    Postcode.objects.create(postcode="BK1 1AE", latitude=1, longitude=1, lsoa="")
    report = import_postcodes(
        ["pcds,lat,long,lsoa21", "BK1 1AE,53.8,-1.55,E01999003", "BK1 1BY,53.7,-1.5,E01999003"],
        batch_size=1,
    )
    assert report.imported == 2
    assert report.rejected == []
    row = Postcode.objects.get(postcode="BK1 1AE")
    assert (row.latitude, row.longitude, row.lsoa) == (53.8, -1.55, "E01999003")


@pytest.mark.django_db
def test_import_postcodes_reads_the_local_authority_when_given():
    report = import_postcodes(
        [
            "pcds,lat,long,lsoa21,oslaua",
            "BK1 1AE,53.8,-1.55,E01999003,e08999001",
            "BK1 1BY,53.7,-1.5,E01999003,",
            "BK1 1DL,53.7,-1.5,E01999003,Leeds",
        ]
    )
    assert [r.reason for r in report.rejected] == [
        "local_authority 'LEEDS' is not an ONS code such as E08000035"
    ]
    assert TableGeocoder().locate("BK1 1AE") == Point(53.8, -1.55, "E01999003", "E08999001")
    assert TableGeocoder().locate("BK1 1BY") == Point(53.7, -1.5, "E01999003", "")


@pytest.mark.django_db
def test_import_postcodes_missing_column_rejected(tmp_path):
    path = write(tmp_path, "postcode,latitude\nBK1 1AE,53.8\n")
    with pytest.raises(CommandError, match="Missing column\\(s\\): longitude, lsoa"):
        call_command("import_postcodes", str(path))
    with pytest.raises(ImportFileError):
        import_postcodes([])


@pytest.mark.django_db
def test_import_postcodes_missing_file_rejected(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_postcodes", str(tmp_path / "absent.csv"))


@pytest.mark.django_db
def test_import_imd_rejects_bad_rows_with_line_numbers(tmp_path, capsys):
    text = "lsoa,imd_decile\nE01999001,1\nE01999002,11\nE01999003,ten\nX1,4\nE01999004,10\n"
    call_command("import_imd", str(write(tmp_path, text)))
    out, err = capsys.readouterr()
    assert "Imported 2 IMD deciles; rejected 3 rows." in out
    assert err.splitlines() == [
        "line 3: imd_decile '11' is not a whole number from 1 to 10",
        "line 4: imd_decile 'ten' is not a whole number from 1 to 10",
        "line 5: lsoa 'X1' is not an LSOA code such as E01000001",
    ]
    assert dict(ImdDecile.objects.values_list("lsoa", "decile")) == {
        "E01999001": 1,
        "E01999004": 10,
    }


def test_demo_postcode_file_is_valid_and_local():
    from linkwork.directory.taxonomy import bundled_data

    text = bundled_data().joinpath("demo_postcodes.csv").read_text("utf-8").splitlines()
    rows = [line.split(",") for line in text[1:]]
    assert len(rows) >= 300
    for postcode, latitude, longitude, lsoa, local_authority in rows:
        assert local_authority == "E08999001"  # fictional, like the town
        assert normalise_postcode(postcode) == postcode
        assert postcode_district(postcode) in {f"BK{n}" for n in range(1, 10)}
        assert haversine_km(53.80, -1.55, float(latitude), float(longitude)) <= 8.5
        assert lsoa.startswith("E01999")
    imd = bundled_data().joinpath("demo_imd.csv").read_text("utf-8").splitlines()[1:]
    deciles = {line.split(",")[0]: int(line.split(",")[1]) for line in imd}
    assert {row[3] for row in rows} == set(deciles)
    assert set(deciles.values()) == set(range(1, 11))
