from setuptools import find_packages, setup

setup(
    name="polls",
    version="0.1.0",
    description="A small Django polls application, packaged the way the seed's sample app is.",
    packages=find_packages(exclude=["tests", "tests.*"]),
    include_package_data=True,
    python_requires=">=3.10",
    install_requires=[
        "Django>=4.2,<6",
        "gunicorn>=21",
        "PyMySQL>=1.1",
        # Our own small package with a C extension: the builder compiles it from its sdist.
        "pollstats>=1.0",
    ],
    extras_require={
        "test": ["pytest>=7", "coverage>=7"],
    },
)
