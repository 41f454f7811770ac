"""Everyday names of the categories a memory holds: synonyms and near-synonyms, with where each came from.

The question reader resolves what a person says ("the couch", "the telly",
"the coat rack") against the labels a memory holds ("sofa", "tv", "coat
hanger"). This module is the lexical source it resolves through; it holds data
only, no matching.

Provenance. Each synonym group starts from the lemmas of the Princeton
WordNet 3.0 noun synset named beside it (read from the WordNet 3.0 database,
e.g. Debian's `wordnet-base`; senses outside household objects are left out,
e.g. 'closet' → 'loo'), with everyday names WordNet lacks added by hand
(British and American household words, VSI-Bench's own pairs of names for one
category: 'washer' / 'washing machine', 'trash bin' / 'trash can'). Groups with
no WordNet synset say `curated:` and why. WordNet 3.0 is © Princeton
University, under the WordNet License (free use with this notice).
Near-synonym head words are co-hyponyms: nouns WordNet files under one
hypernym, named beside each class; two names that share their modifiers and
whose head words fall in one class ("coat rack" / "coat hanger": rack and
hanger are both `support.n.10`) are near-synonyms, which the reader uses only
when nothing closer matches and marks as unsure.
"""

from __future__ import annotations

#: Groups of names for one kind of object: (source, names). The first name is the group's name.
SYNONYM_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wordnet:sofa.n.01", ("sofa", "couch", "lounge", "settee", "davenport", "chesterfield")),
    ("wordnet:television_receiver.n.01", ("tv", "television", "television set", "tv set", "telly", "television receiver",
                                          "idiot box", "boob tube", "goggle box")),
    ("wordnet:refrigerator.n.01+electric_refrigerator.n.01", ("refrigerator", "fridge", "icebox", "electric refrigerator",
                                                              "fridge freezer")),
    ("wordnet:stove.n.01", ("stove", "kitchen stove", "range", "kitchen range", "cooking stove", "cooktop", "hob")),
    ("curated: British 'cooker' is a stove (WordNet 3.0 has only the utensil sense)", ("stove", "cooker")),
    ("wordnet:washer.n.03", ("washer", "washing machine", "automatic washer", "clothes washer", "laundry machine")),
    ("wordnet:bathtub.n.01", ("bathtub", "tub", "bath", "bathing tub", "bath tub")),
    ("wordnet:ashcan.n.01", ("trash bin", "trash can", "garbage can", "wastebin", "waste bin", "ashcan", "ash bin",
                             "dustbin", "trash barrel", "garbage bin", "rubbish bin", "wastebasket", "waste basket",
                             "waste paper basket", "wastepaper basket", "litter bin", "bin", "trashcan", "recycling bin")),
    ("wordnet:coatrack.n.01", ("coat rack", "coatrack", "hatrack", "hat rack", "coat stand", "hat stand")),
    ("wordnet:clothes_hanger.n.01", ("coat hanger", "clothes hanger", "dress hanger", "hanger")),
    ("wordnet:backpack.n.01", ("backpack", "back pack", "knapsack", "packsack", "rucksack", "haversack", "schoolbag")),
    ("wordnet:fireplace.n.01", ("fireplace", "hearth", "open fireplace")),
    ("wordnet:mouse.n.04", ("computer mouse", "mouse")),
    ("wordnet:microwave.n.02", ("microwave", "microwave oven")),
    ("wordnet:dishwasher.n.01", ("dishwasher", "dish washer", "dishwashing machine")),
    ("wordnet:laptop.n.01", ("laptop", "laptop computer", "notebook computer", "notebook")),
    ("wordnet:bag.n.06", ("suitcase", "traveling bag", "travelling bag", "luggage", "travel bag")),
    ("wordnet:chopping_board.n.01", ("cutting board", "chopping board")),
    ("wordnet:bucket.n.01", ("bucket", "pail")),
    ("wordnet:sack.n.01", ("paper bag", "sack", "carrier bag", "shopping bag")),
    ("wordnet:telephone.n.01", ("telephone", "phone", "telephone set", "landline")),
    ("wordnet:piano.n.01", ("piano", "pianoforte", "keyboard instrument")),
    ("wordnet:rug.n.01", ("rug", "carpet", "carpeting")),
    ("wordnet:nightstand.n.01", ("nightstand", "night table", "bedside table", "night stand", "bedside cabinet")),
    ("wordnet:bookcase.n.01", ("bookshelf", "bookcase", "book shelf", "bookshelves", "book case")),
    ("wordnet:toilet.n.02", ("toilet", "commode", "lavatory", "loo", "wc", "water closet", "toilet bowl")),
    ("wordnet:computer_monitor.n.01", ("monitor", "computer monitor", "computer screen", "display", "screen")),
    ("wordnet:heater.n.01", ("heater", "space heater", "warmer")),
    ("wordnet:radiator.n.02", ("radiator",)),
    ("wordnet:whiteboard.n.01", ("whiteboard", "white board", "dry erase board", "marker board")),
    ("wordnet:pot.n.04+houseplant.n.01", ("plant", "potted plant", "houseplant", "house plant", "pot plant", "flower pot",
                                          "flowerpot")),
    ("wordnet:kettle.n.01", ("kettle", "tea kettle", "teakettle", "electric kettle")),
    ("wordnet:headphone.n.01", ("headphones", "headphone", "earphones", "headset")),
    ("wordnet:power_strip.n.01", ("power strip", "extension lead", "extension cord", "power bar", "plug strip",
                                  "multi plug", "power board")),
    ("curated: a desktop computer's case (WordNet has no such sense of tower)", ("computer tower", "pc tower", "desktop computer",
                                                              "computer case", "pc", "computer")),
    ("curated: a light fixed to the ceiling (no WordNet synset)", ("ceiling light", "ceiling lamp", "overhead light",
                                                                     "light fixture", "ceiling fixture")),
    ("wordnet:exhaust_fan.n.01", ("exhaust fan", "extractor fan", "extractor", "vent fan", "ventilation fan")),
    ("wordnet:wardrobe.n.01", ("closet", "wardrobe", "armoire", "clothes closet")),
    ("wordnet:counter.n.01 (kitchen worktop sense)", ("counter", "countertop", "worktop", "kitchen counter",
                                                       "work surface", "kitchen island", "island")),
    ("wordnet:crate.n.01", ("crate", "box crate")),
    ("wordnet:cup.n.01", ("cup", "mug", "teacup", "coffee cup")),
    ("wordnet:shoe.n.01", ("shoes", "shoe", "sneakers", "trainers")),
    ("curated: a rack for shoes (no WordNet synset)", ("shoe rack", "shoe stand", "shoe shelf", "shoe cabinet")),
    ("wordnet:blanket.n.01", ("blanket", "duvet", "quilt", "comforter")),
    ("wordnet:pan.n.01", ("pan", "cooking pan", "frying pan", "skillet", "saucepan", "frypan")),
    ("wordnet:mattress.n.01", ("mattress",)),
    ("wordnet:window.n.01", ("window", "windowpane")),
    ("wordnet:door.n.01", ("door", "doorway")),
    ("wordnet:table.n.02", ("table",)),
    ("wordnet:desk.n.01", ("desk", "writing desk", "work desk")),
    ("wordnet:chair.n.01", ("chair",)),
    ("wordnet:stool.n.01", ("stool", "bar stool", "barstool", "footstool")),
    ("wordnet:cushion.n.03", ("cushion", "throw pillow", "scatter cushion", "sofa cushion")),
    ("wordnet:pillow.n.01", ("pillow", "bed pillow")),
    ("wordnet:lamp.n.02", ("lamp", "floor lamp", "standing lamp")),
    ("wordnet:table_lamp.n.01", ("table lamp", "desk lamp", "bedside lamp", "reading lamp")),
    ("wordnet:cabinet.n.01", ("cabinet", "cupboard", "chest of drawers", "dresser", "drawers", "sideboard")),
    ("wordnet:towel.n.01", ("towel", "bath towel", "hand towel", "tea towel")),
    ("wordnet:printer.n.03", ("printer", "printing machine")),
    ("wordnet:keyboard.n.01", ("keyboard", "computer keyboard")),
    ("wordnet:oven.n.01", ("oven",)),
    ("wordnet:clock.n.01", ("clock", "wall clock")),
    ("wordnet:mirror.n.01", ("mirror", "looking glass")),
    ("wordnet:sink.n.01", ("sink", "washbasin", "basin", "wash basin", "handbasin")),
    ("wordnet:bowl.n.03", ("bowl",)),
    ("wordnet:basket.n.01", ("basket", "handbasket", "laundry basket", "hamper")),
    ("wordnet:bed.n.01", ("bed",)),
    ("wordnet:guitar.n.01", ("guitar",)),
    ("wordnet:fan.n.01", ("fan", "electric fan", "desk fan")),
    ("wordnet:shelf.n.01", ("shelf", "shelves", "shelving")),
)

#: Head words that name near-kinds of one thing: (WordNet hypernym they share, heads).
NEAR_SYNONYM_HEADS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wordnet:support.n.10", ("rack", "hanger", "stand", "holder", "hook")),
    ("wordnet:container.n.01", ("bin", "can", "basket", "bucket", "barrel")),
    ("wordnet:source_of_illumination.n.01", ("lamp", "light")),
    ("wordnet:furniture.n.01 (storage)", ("cabinet", "cupboard", "closet", "wardrobe", "locker")),
    ("wordnet:table.n.02", ("table", "desk", "counter")),
    ("wordnet:seat.n.03", ("chair", "seat", "stool")),
    ("wordnet:display.n.06", ("monitor", "screen", "display")),
    ("wordnet:shelf.n.01", ("shelf", "bookshelf", "bookcase", "shelving")),
)
