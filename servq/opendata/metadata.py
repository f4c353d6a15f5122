"""The inventory as others read it: DCAT-AP (JSON-LD) for the catalogue and each dataset, CKAN's
package dictionaries (for `package_show` and harvesters), and the national platform's list columns.
Built from plain values, so a 20,000-dataset catalogue is one pass."""

from __future__ import annotations

from typing import Any

from servq.opendata import rules
from servq.opendata.models import Dataset, Resource

# The context inlined, so no reader has to fetch one.
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:issued": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
}
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"


def dataset_url(site: str, dataset: Dataset) -> str:
    return f"{site}/opendata/datasets/{dataset.identifier}/"


def resource_url(site: str, resource: Resource) -> str:
    """Where a harvester downloads it: the link itself, or servq's download of the uploaded file."""
    return resource.url or f"{site}/opendata/resources/{resource.pk}/download/"


def _agent(site: str, dataset: Dataset) -> dict[str, Any]:
    return {
        "@id": f"{site}/opendata/agencies/{dataset.agency.code}",
        "@type": "foaf:Agent",
        "foaf:name": {"@value": dataset.agency.name, "@language": "zh-Hant"},
    }


def _tel(phone: str) -> str:
    """「(02)2321-5151 分機 123」 as a tel: URI (RFC 3966): digits and the extension only; Taiwan's
    area code without its leading 0 behind +886."""
    main, _, extension = phone.replace("＃", "#").replace("分機", "#").partition("#")
    digits = "".join(c for c in main if c.isdigit())
    number = f"+886-{digits[1:]}" if digits.startswith("0") else digits
    ext = "".join(c for c in extension if c.isdigit())
    return f"tel:{number}" + (f";ext={ext}" if ext else "")


def _license() -> dict[str, Any]:
    return {"@id": rules.GOVERNMENT_LICENSE_URL, "@type": "dct:LicenseDocument"}


def dcat_dataset(site: str, dataset: Dataset) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": dataset_url(site, dataset),
        "@type": "dcat:Dataset",
        "dct:identifier": str(dataset.identifier),
        "dct:title": {"@value": dataset.title, "@language": "zh-Hant"},
        "dct:description": {"@value": dataset.description, "@language": "zh-Hant"},
        "dct:publisher": _agent(site, dataset),
        "dct:accrualPeriodicity": {
            "@id": FREQUENCY_BASE + rules.FREQUENCY_IRI[dataset.frequency],
            "@type": "dct:Frequency",
        },
        "dct:modified": dataset.modified_at.isoformat(),
        "dcat:keyword": [k for k in dataset.keywords.replace("，", ",").split(",") if k.strip()],
        "dcat:distribution": [_distribution(site, dataset, r) for r in dataset.resources.all()],
    }
    if dataset.published_on:
        node["dct:issued"] = dataset.published_on.isoformat()
    if dataset.contact_name or dataset.contact_phone:
        node["dcat:contactPoint"] = {
            "@type": "vcard:Kind",
            "vcard:fn": dataset.contact_name or dataset.agency.name,
            # vCard's telephone is a resource (a tel: URI), not a string (issue 36.7).
            **({"vcard:hasTelephone": {"@id": _tel(dataset.contact_phone)}} if dataset.contact_phone else {}),
        }
    return node


def _distribution(site: str, dataset: Dataset, resource: Resource) -> dict[str, Any]:
    url = resource_url(site, resource)
    node: dict[str, Any] = {
        "@id": f"{dataset_url(site, dataset)}#resource-{resource.pk}",
        "@type": "dcat:Distribution",
        "dct:title": {"@value": resource.name, "@language": "zh-Hant"},
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": FILE_TYPE_BASE + resource.format, "@type": "dct:MediaTypeOrExtent"},
        "dcat:mediaType": {
            "@id": f"http://www.iana.org/assignments/media-types/{rules.MEDIA_TYPES[resource.format]}",
            "@type": "dct:MediaType",
        },
        "dct:license": _license(),
    }
    if resource.byte_size:
        node["dcat:byteSize"] = str(resource.byte_size)
    return node


def dcat_catalog(site: str, title: str, datasets: list[Dataset], publisher: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": DCAT_CONTEXT,
        "@id": f"{site}/opendata/",
        "@type": "dcat:Catalog",
        "dct:title": {"@value": title, "@language": "zh-Hant"},
        "dct:description": {"@value": f"{title}：各機關開放資料集的目錄。", "@language": "zh-Hant"},
        "dct:publisher": {"@type": "foaf:Agent", "@id": publisher["@id"], "foaf:name": publisher["name"]},
        "dct:license": _license(),
        "dcat:dataset": [dcat_dataset(site, d) for d in datasets],
    }


def dcat_document(site: str, dataset: Dataset) -> dict[str, Any]:
    return {"@context": DCAT_CONTEXT, **dcat_dataset(site, dataset)}


# --- CKAN -----------------------------------------------------------------------------------------


def ckan_package(site: str, dataset: Dataset) -> dict[str, Any]:
    """CKAN's package dictionary (the fields harvesters read), so a CKAN portal can pull servq."""
    name = str(dataset.identifier)
    return {
        "id": name,
        "name": name,
        "type": "dataset",
        "state": "active",
        "private": False,
        "title": dataset.title,
        "notes": dataset.description,
        "url": dataset_url(site, dataset),
        "license_id": "OGDL-Taiwan-1.0",
        "license_title": dataset.license,
        "license_url": rules.GOVERNMENT_LICENSE_URL,
        "maintainer": dataset.contact_name or (dataset.unit.name if dataset.unit else ""),
        "maintainer_email": None,
        "author": dataset.agency.name,
        # CKAN's timestamps are ISO date-times; servq keeps the day it went public.
        "metadata_created": f"{dataset.published_on.isoformat()}T00:00:00" if dataset.published_on else None,
        "metadata_modified": dataset.modified_at.isoformat(),
        "organization": {"name": dataset.agency.code, "title": dataset.agency.name, "type": "organization"},
        "tags": [{"name": k.strip()} for k in dataset.keywords.replace("，", ",").split(",") if k.strip()],
        "extras": [
            {"key": "frequency", "value": dict(rules.FREQUENCIES)[dataset.frequency]},
            {
                "key": "last_updated",
                "value": dataset.last_updated.isoformat() if dataset.last_updated else "",
            },
            {"key": "provider_unit", "value": dataset.unit.name if dataset.unit else ""},
        ],
        "num_resources": len(dataset.resources.all()),
        "resources": [ckan_resource(site, r, name) for r in dataset.resources.all()],
    }


def ckan_resource(site: str, resource: Resource, package: str) -> dict[str, Any]:
    return {
        "id": str(resource.pk),
        "package_id": package,
        "name": resource.name,
        "format": resource.format,
        "mimetype": rules.MEDIA_TYPES[resource.format],
        "url": resource_url(site, resource),
        "size": resource.byte_size,
    }


def ckan_organization(site: str, code: str, name: str, count: int) -> dict[str, Any]:
    return {
        "id": code,
        "name": code,
        "title": name,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "package_count": count,
        "image_url": "",
        "description": "",
        "url": f"{site}/opendata/agencies/{code}",
    }


# --- the national platform's columns ----------------------------------------------------------------

# data.gov.tw's 資料集清單 (what an agency's coordinator enters there, in its order).
NATIONAL_COLUMNS = [
    "資料集識別碼",
    "資料集名稱",
    "資料提供屬性",
    "檔案格式",
    "資料下載網址",
    "編碼格式",
    "資料集描述",
    "主要欄位說明",
    "提供機關",
    "提供機關聯絡人",
    "提供機關聯絡人電話",
    "更新頻率",
    "授權方式",
    "授權說明網址",
    "計費方式",
    "上架日期",
    "詮釋資料更新時間",
    "備註",
]


def national_row(site: str, dataset: Dataset) -> list[str]:
    resources = list(dataset.resources.all())
    encodings = {"UTF-8"} | {r.profile.get("encoding", "UTF-8") for r in resources if r.original}
    return [
        str(dataset.identifier),
        dataset.title,
        "原始資料",
        ";".join(r.format for r in resources),
        ";".join(resource_url(site, r) for r in resources),
        ";".join(sorted(encodings)),
        dataset.description,
        ";".join(f["name"] for f in dataset.fields),
        dataset.agency.name,
        dataset.contact_name,
        dataset.contact_phone,
        dict(rules.FREQUENCIES)[dataset.frequency],
        dataset.license,
        rules.GOVERNMENT_LICENSE_URL,
        "免費",
        dataset.published_on.isoformat() if dataset.published_on else "",
        dataset.modified_at.isoformat(timespec="seconds"),
        f"資料提供單位：{dataset.unit.name}" if dataset.unit else "",
    ]
