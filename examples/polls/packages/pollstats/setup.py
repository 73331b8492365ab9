from setuptools import Extension, setup

setup(
    name="pollstats",
    version="1.0.0",
    description="Vote tallying for the polls example, in C (the builder must compile it).",
    package_dir={"": "src"},
    packages=["pollstats"],
    ext_modules=[Extension("pollstats._tally", ["src/pollstats/_tally.c"])],
    python_requires=">=3.8",
)
