"""Declares the compiled extensions; everything else is in pyproject.toml."""
import os

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension("ringwriter._writer", ["src/ringwriter/_writer.pyx"]),
            Extension("ringwriter._text", ["src/ringwriter/_text.pyx"]),
            Extension("ringwriter._record_path", ["src/ringwriter/_record_path.pyx"]),
            Extension("ringwriter._record_factory", ["src/ringwriter/_record_factory.pyx"]),
            Extension("ringwriter._open", ["src/ringwriter/_open.pyx"]),
            Extension("ringwriter._logger", ["src/ringwriter/_logger.pyx"]),
        ],
        compiler_directives={"language_level": "3"},
        annotate=bool(os.environ.get("RINGWRITER_ANNOTATE")),
    ),
)
