#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes data/public-bodies.csv and data/local-authorities.csv.

public-bodies.csv is the shipped list that tells payments to public bodies (councils,
government, NHS, police, fire, pension funds, schools, universities and colleges, courts)
apart from payments to suppliers. Each row is `pattern,match,body`:

  words   the payee's normalised name contains the pattern's words, in order, as whole words
  exact   the payee's normalised name is the pattern
  not     the payee is NOT a public body (a company, a charity, a staff association...),
          whatever `words` rows say; checked before them
  always  a public body even when a `not` row matches (public bodies with a company's form,
          such as the College of Policing Ltd)

Names are compared after Wealthmap's normalisation (upper case, & and + read as AND, other
punctuation as spaces, LIMITED read as LTD, a leading THE dropped), so the patterns are
written as people write them.

The council rows are made from the 326 English local authority names (2013) in
lad_england_2013_topo.json (../shared/data/boundaries), the county councils and the unitary
councils made since 2013 (listed below); the rest is written out here.
Usage: data/make-public-bodies.py LAD_TOPOJSON OUT_DIR
"""
import csv
import json
import sys

COUNTIES_AND_NEW_COUNCILS = [
    # county councils (two-tier areas, 2013 and since)
    "Buckinghamshire", "Cambridgeshire", "Cumbria", "Derbyshire", "Devon", "Dorset",
    "East Sussex", "Essex", "Gloucestershire", "Hampshire", "Hertfordshire", "Kent",
    "Lancashire", "Leicestershire", "Lincolnshire", "Norfolk", "North Yorkshire",
    "Northamptonshire", "Nottinghamshire", "Oxfordshire", "Somerset", "Staffordshire",
    "Suffolk", "Surrey", "Warwickshire", "West Sussex", "Worcestershire",
    # unitary councils made since 2013
    "Westmorland and Furness", "Cumberland", "North Northamptonshire",
    "West Northamptonshire", "Bournemouth Christchurch and Poole", "BCP",
    "East Suffolk", "West Suffolk", "Somerset West and Taunton", "Folkestone and Hythe",
]

# Forms a council's name takes in spend files, with N its place name.
COUNCIL_FORMS = [
    "{} Council", "{} Borough Council", "{} City Council", "{} District Council",
    "{} County Council", "{} Metropolitan Borough Council", "{} Metropolitan District Council",
    "{} BC", "{} DC", "{} MBC", "{} MDC", "Borough of {}", "City of {} Council",
    "London Borough of {}", "Royal Borough of {}", "{} Council Tax",
]

GENERIC = [
    # local government
    ("Parish Council", "words", "local authority"),
    ("Town Council", "words", "local authority"),
    ("Community Council", "words", "local authority"),
    ("County Council", "words", "local authority"),
    ("Borough Council", "words", "local authority"),
    ("City Council", "words", "local authority"),
    ("District Council", "words", "local authority"),
    ("Metropolitan Borough Council", "words", "local authority"),
    ("Combined Authority", "words", "local authority"),
    ("Local Government Association", "words", "local authority"),
    ("District Councils Network", "words", "local authority"),
    ("www.local.gov.uk", "exact", "local authority"),
    ("Purchasing Organisation", "words", "local authority"),
    # the councils' regional associations and employers' organisations (as the LGA)
    ("South West Councils", "words", "local authority"),
    ("East Midlands Councils", "words", "local authority"),
    ("London Councils", "words", "local authority"),
    ("West Midlands Employers", "words", "local authority"),
    ("North West Employers", "words", "local authority"),
    ("South East Employers", "words", "local authority"),
    ("Local Government Yorkshire and Humber", "words", "local authority"),
    ("Pension Fund", "words", "pension fund"),
    ("LGPS", "words", "pension fund"),
    # central government and its agencies
    ("HMRC", "words", "central government"),
    ("HM Revenue", "words", "central government"),
    ("Revenue and Customs", "words", "central government"),
    ("Department for", "words", "central government"),
    ("Department of", "words", "central government"),
    ("Dept for", "words", "central government"),
    ("Ministry of", "words", "central government"),
    ("Cabinet Office", "words", "central government"),
    ("Home Office", "words", "central government"),
    ("Secretary of State", "words", "central government"),
    ("HM Treasury", "words", "central government"),
    ("HM Land Registry", "words", "central government"),
    ("Land Registry", "words", "central government"),
    ("Valuation Office", "words", "central government"),
    ("DVLA", "words", "central government"),
    ("DVSA", "words", "central government"),
    ("Driver and Vehicle", "words", "central government"),
    ("Operator Services Agency", "words", "central government"),
    ("VOSA", "exact", "central government"),
    ("Public Trustee", "words", "central government"),
    ("Office of the Public Guardian", "words", "central government"),
    ("DWP", "words", "central government"),
    ("DLUHC", "words", "central government"),
    ("MHCLG", "words", "central government"),
    ("DEFRA", "words", "central government"),
    ("Environment Agency", "words", "central government"),
    ("Health Security Agency", "words", "central government"),
    ("Health and Safety Executive", "words", "central government"),
    ("Health and Safety Lab", "words", "central government"),
    ("National Crime Agency", "words", "central government"),
    ("Crown Prosecution Service", "words", "central government"),
    ("Crown Commercial Service", "words", "central government"),
    ("Companies House", "words", "central government"),
    ("Insolvency Service", "words", "central government"),
    ("Office for National Statistics", "words", "central government"),
    ("Electoral Commission", "words", "central government"),
    ("Information Commissioner", "words", "central government"),
    ("Information Commissioners Office", "words", "central government"),
    ("ICO", "exact", "central government"),
    ("ACAS", "exact", "central government"),
    ("Ofsted", "words", "central government"),
    ("Ofcom", "words", "central government"),
    ("Charity Commission", "words", "central government"),
    ("Disclosure and Barring Service", "words", "central government"),
    ("HM Passport Office", "words", "central government"),
    ("Homes England", "words", "central government"),
    ("Historic England", "words", "central government"),
    ("Natural England", "words", "central government"),
    ("Sport England", "words", "central government"),
    ("Arts Council England", "words", "central government"),
    ("National Highways", "words", "central government"),
    ("Highways England", "words", "central government"),
    ("Network Rail", "words", "central government"),
    ("GOV.UK", "exact", "central government"),
    ("RFCA", "words", "central government"),
    # NHS
    ("NHS", "words", "NHS"),
    ("NHS Trust", "words", "NHS"),
    ("NHS Foundation Trust", "words", "NHS"),
    ("Integrated Care Board", "words", "NHS"),
    ("ICB", "words", "NHS"),
    ("CCG", "words", "NHS"),
    ("Clinical Commissioning Group", "words", "NHS"),
    ("Ambulance Service", "words", "NHS"),
    ("Health Authority", "words", "NHS"),
    # police
    ("Police and Crime Commissioner", "words", "police"),
    ("Police Crime Commissioner", "words", "police"),
    ("PCC for", "words", "police"),
    ("OPCC", "words", "police"),
    ("Police Authority", "words", "police"),
    ("Police Service", "words", "police"),
    ("Constabulary", "words", "police"),
    ("Chief Constable", "words", "police"),
    ("Office for Policing and Crime", "words", "police"),
    ("British Transport Police", "words", "police"),
    ("Metropolitan Police", "words", "police"),
    ("NPCC", "exact", "police"),
    ("College of Policing", "always", "police"),
    # fire
    ("Fire and Rescue", "words", "fire and rescue"),
    ("Fire Authority", "words", "fire and rescue"),
    ("Fire Brigade", "words", "fire and rescue"),
    # justice
    ("HMCTS", "words", "courts and justice"),
    ("HM Courts", "words", "courts and justice"),
    ("County Court", "words", "courts and justice"),
    ("Crown Court", "words", "courts and justice"),
    ("Magistrates", "words", "courts and justice"),
    ("HM Prison", "words", "courts and justice"),
    ("Probation Service", "words", "courts and justice"),
    ("Coroner", "words", "courts and justice"),
    # education
    ("University", "words", "university or college"),
    ("College", "words", "university or college"),
    ("Primary School", "words", "school"),
    ("High School", "words", "school"),
    ("Infant School", "words", "school"),
    ("Junior School", "words", "school"),
    ("CE School", "words", "school"),
    ("C E School", "words", "school"),
    ("C of E School", "words", "school"),
    ("CP School", "words", "school"),
    ("RC Primary", "words", "school"),
    ("Learning Academy", "words", "school"),
    ("Primary Academy", "words", "school"),
    ("Academy Trust", "words", "school"),
    # not public bodies, whatever the words above say
    ("Ltd", "not", ""),
    ("PLC", "not", ""),
    ("LLP", "not", ""),
    ("CIC", "not", ""),
    ("Council for Voluntary Service", "not", ""),
    ("CVS", "not", ""),
    ("Charity", "not", ""),
    ("Charitable", "not", ""),
    ("Federation", "not", ""),
    ("Mutual", "not", ""),
    ("Union", "not", ""),
    ("Association of", "not", ""),
    ("Police Association", "not", ""),
    ("Institute", "not", ""),
    ("Institution", "not", ""),
    ("Chamber of Commerce", "not", ""),
    ("Safety Council", "not", ""),
    ("Housing Association", "not", ""),
    ("Fire Fighters", "not", ""),
    ("Firefighters", "not", ""),
    ("Royal College", "not", ""),
    ("Fire Service College", "not", ""),
    ("University Press", "not", ""),
    ("University of the Third Age", "not", ""),
    ("Business Services", "not", ""),
    ("Students Union", "not", ""),
    ("Club", "not", ""),
    ("Society", "not", ""),
    ("College House", "not", ""),
]


def main():
    topo, out_dir = sys.argv[1], sys.argv[2]
    with open(topo, encoding="utf-8") as f:
        lads = [g["properties"] for g in json.load(f)["objects"]["lad"]["geometries"]]
    lads.sort(key=lambda p: p["LAD13CD"])
    with open(f"{out_dir}/local-authorities.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        for p in lads:
            w.writerow([p["LAD13CD"], p["LAD13NM"]])

    places = []
    for name in [p["LAD13NM"] for p in lads] + COUNTIES_AND_NEW_COUNCILS:
        # "Kingston upon Hull, City of" -> "Kingston upon Hull"
        name = name.split(",")[0].strip()
        if name not in places:
            places.append(name)
    with open(f"{out_dir}/public-bodies.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["pattern", "match", "body"])
        for pattern, match, body in GENERIC:
            w.writerow([pattern, match, body])
        for place in places:
            for form in COUNCIL_FORMS:
                w.writerow([form.format(place), "words", "local authority"])


if __name__ == "__main__":
    main()
