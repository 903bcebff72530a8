from __future__ import annotations

import pytest

from license_gate.knowledge.normalize import from_classifiers, normalize

# Free-text names seen in real package metadata, and what they mean.
ALIASES = [
    ("Apache 2.0", "Apache-2.0"),
    ("Apache License, Version 2.0", "Apache-2.0"),
    ("Apache Software License 2.0", "Apache-2.0"),
    ("apache2", "Apache-2.0"),
    ("MIT License", "MIT"),
    ("The MIT License (MIT)", "MIT"),
    ("mit", "MIT"),
    ("BSD", "LicenseRef-license-gate-BSD-unspecified"),
    ("BSD License", "LicenseRef-license-gate-BSD-unspecified"),
    ("BSD 3-Clause", "BSD-3-Clause"),
    ("new BSD License", "BSD-3-Clause"),
    ("Simplified BSD", "BSD-2-Clause"),
    ("GPLv3+", "GPL-3.0-or-later"),
    ("GPL v2 or later", "GPL-2.0-or-later"),
    ("GPLv2", "GPL-2.0-only"),
    ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    # license-expression reads a bare "GPL" as GPL-1.0-or-later; the metadata names no
    # version, so it is the -unspecified id the README promises, which a licence file or
    # a versioned classifier then makes exact (resolve/metadata.py).
    ("GPL", "LicenseRef-license-gate-GPL-unspecified"),
    ("GPL-2.0-only", "GPL-2.0-only"),
    # free text seen in real metadata (tests/assets/pkgmeta: pymupdf, pygit2, waitress,
    # mysql-connector-python, pyinstaller)
    ("Dual Licensed - GNU AFFERO GPL 3.0 or Artifex Commercial License",
     "AGPL-3.0-only OR LicenseRef-scancode-commercial-license"),
    ("GPLv2 with linking exception", "GPL-2.0-only WITH GCC-exception-2.0"),
    ("ZPL 2.1", "ZPL-2.1"),
    ("GNU GPLv2 (with FOSS License Exception)", "GPL-2.0-only WITH Universal-FOSS-exception-1.0"),
    ("GPLv2-or-later with a special exception which allows to use PyInstaller to build and "
     "distribute non-free programs (including commercial ones)",
     "GPL-2.0-or-later WITH Bootloader-exception"),
    ("GNU General Public License (GPL)", "LicenseRef-license-gate-GPL-unspecified"),
    ("LGPL", "LicenseRef-license-gate-LGPL-unspecified"),
    ("LGPLv2.1+", "LGPL-2.1-or-later"),
    ("MPL 2.0", "MPL-2.0"),
    ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
    ("PSF", "PSF-2.0"),
    ("Python Software Foundation License", "PSF-2.0"),
    ("ISC license (ISCL)", "ISC"),
    ("Public Domain", "LicenseRef-scancode-public-domain"),
    ("Unlicense", "Unlicense"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
    ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
    ("Apache 2.0 or MIT", "Apache-2.0 OR MIT"),
    ("BSD-3-Clause AND MIT", "BSD-3-Clause AND MIT"),
]


@pytest.mark.parametrize(("raw", "expected"), ALIASES)
def test_aliases(raw: str, expected: str) -> None:
    assert normalize(raw).expression == expected


@pytest.mark.parametrize("raw", ["", "UNKNOWN", "None", "  ", "see LICENSE", "Dual License"])
def test_nothing_stated(raw: str) -> None:
    result = normalize(raw)
    assert result.expression is None and result.how == "empty"


@pytest.mark.parametrize("raw", ["Custom corporate terms v7", "Do whatever", "Frobnicate-9.9"])
def test_unrecognised_stays_unknown(raw: str) -> None:
    result = normalize(raw)
    assert result.expression is None and result.how == "unknown"


# Opening passages (and standard notices) of the commonest licences, as packages paste
# them into their License field, with the line breaks of the real texts.
TEXTS = {
    "MIT": """MIT License

Copyright (c) 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.""",
    "MIT-0": """Copyright 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify,
merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so.""",
    "BSD-3-Clause": """Copyright (c) 2024, Example
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.
3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.""",
    "BSD-2-Clause": """Copyright (c) 2024, Example

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.""",
    "ISC": """Copyright (c) 2024 Example

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.""",
    "0BSD": """Copyright (C) 2024 Example

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES""",
    "Apache-2.0": """
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION""",
    "GPL-2.0-only": """                    GNU GENERAL PUBLIC LICENSE
                       Version 2, June 1991

 Copyright (C) 1989, 1991 Free Software Foundation, Inc.,
 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA""",
    "GPL-3.0-only": """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>

 How to apply: either version 3 of the License, or (at your option) any later version.""",
    "LGPL-2.1-only": """                  GNU LESSER GENERAL PUBLIC LICENSE
                       Version 2.1, February 1999

 Copyright (C) 1991, 1999 Free Software Foundation, Inc.""",
    "LGPL-3.0-only": """                   GNU LESSER GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

  This version of the GNU Lesser General Public License incorporates
the terms and conditions of version 3 of the GNU General Public
License, supplemented by the additional permissions listed below.""",
    "AGPL-3.0-only": """                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007""",
    "LGPL-2.0-only": """                  GNU LIBRARY GENERAL PUBLIC LICENSE
                       Version 2, June 1991""",
    "GPL-3.0-or-later": """This program is free software: you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.""",
    "GPL-2.0-or-later": """# This program is free software; you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation; either version 2 of the License, or
# (at your option) any later version.""",
    "LGPL-2.1-or-later": """This library is free software; you can redistribute it and/or
modify it under the terms of the GNU Lesser General Public
License as published by the Free Software Foundation; either
version 2.1 of the License, or (at your option) any later version.""",
    "MPL-2.0": """Mozilla Public License Version 2.0
==================================

1. Definitions
--------------""",
    "Unlicense": """This is free and unencumbered software released into the public domain.

Anyone is free to copy, modify, publish, use, compile, sell, or
distribute this software, either in source code form or as a compiled
binary, for any purpose, commercial or non-commercial, and by any
means.""",
    "BSL-1.0": """Boost Software License - Version 1.0 - August 17th, 2003

Permission is hereby granted, free of charge, to any person or organization
obtaining a copy of the software and accompanying documentation covered by
this license (the "Software") to use, reproduce, display, distribute,""",
    "Zlib": """This software is provided 'as-is', without any express or implied
warranty.  In no event will the authors be held liable for any damages
arising from the use of this software.

3. This notice may not be removed or altered from any source distribution.
2. Altered source versions must be plainly marked as such, and must not be
   misrepresented as being the original software.""",
    "PSF-2.0": """PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2
--------------------------------------------

1. This LICENSE AGREEMENT is between the Python Software Foundation
("PSF"), and the Individual or Organization ("Licensee") accessing and
otherwise using this software ("Python") in source or binary form and
its associated documentation.

2. Subject to the terms and conditions of this License Agreement, PSF hereby
grants Licensee a nonexclusive, royalty-free, world-wide license""",
    "CC0-1.0": """Creative Commons Legal Code

CC0 1.0 Universal

    CREATIVE COMMONS CORPORATION IS NOT A LAW FIRM""",
    "EPL-2.0": """Eclipse Public License - v 2.0

    THE ACCOMPANYING PROGRAM IS PROVIDED UNDER THE TERMS OF THIS ECLIPSE
    PUBLIC LICENSE ("AGREEMENT").""",
    "WTFPL": """            DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE
                    Version 2, December 2004""",
    "Artistic-2.0": """                       The Artistic License 2.0

            Copyright (c) 2000-2006, The Perl Foundation.""",
    "OFL-1.1": """This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org""",
    "CC-BY-4.0": """Creative Commons Attribution 4.0 International Public License

By exercising the Licensed Rights (defined below), You accept and agree""",
}


@pytest.mark.parametrize(("expected", "text"), sorted(TEXTS.items()))
def test_pasted_licence_texts(expected: str, text: str) -> None:
    result = normalize(text)
    assert (result.expression, result.how) == (expected, "text")
    assert result.source and result.source.startswith("https://")


def test_text_catalogue_covers_twenty_licences() -> None:
    assert len({k for k in TEXTS if not k.endswith("-or-later")}) >= 20


def test_classifiers() -> None:
    result, used = from_classifiers([
        "Programming Language :: Python :: 3",
        "License :: OSI Approved :: MIT License",
    ])
    assert result.expression == "MIT" and used == ["License :: OSI Approved :: MIT License"]
    result, _ = from_classifiers([
        "License :: OSI Approved :: Apache Software License",
        "License :: OSI Approved :: BSD License",
    ])
    # we cannot tell alternatives from conjunctions: every classifier must be allowed
    assert result.expression == (
        "LicenseRef-license-gate-Apache-unspecified AND LicenseRef-license-gate-BSD-unspecified"
    )
    result, used = from_classifiers(["License :: OSI Approved"])
    assert result.expression is None and used == ["License :: OSI Approved"]
