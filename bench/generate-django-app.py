"""Generates the benchmark's Django application, `shopfront`, into DIR/project (usage:
generate-django-app.py DIR). It is the kind of project the issue's goals are stated for: a
PEP 621 pyproject.toml with 16 real dependencies that this machine's local index holds as cp311 or
pure-Python wheels (26 with their own dependencies), a `test` extra, and one dependency of its own
with a C extension that exists only as an sdist, in a find-links folder inside the project
(`vendor/`), so every builder has to compile it: 28 wheels in all with the app's. Nothing here runs
pip: the builders do. Debian bookworm's Python is 3.11.2, so a dependency that needs a backport
below 3.11.3 (redis wants async-timeout, which the index lacks) is left out."""

import io
import os
import sys
import tarfile
import textwrap

out = sys.argv[1]
project = os.path.join(out, "project")

# Real distributions from the local index (file:///opt/pypi/simple). Lower bounds only, as an
# application usually declares them: the resolver picks what the index has.
DEPENDENCIES = [
    "Django>=4.2,<6",
    "gunicorn>=21",
    "cryptography>=42",
    "cffi>=1.16",
    "psycopg2-binary>=2.9",
    "PyYAML>=6",
    "requests>=2.31",
    "PyNaCl>=1.5",
    "Pillow>=10",
    "Jinja2>=3.1",
    "python-dateutil>=2.8",
    "pytz>=2023.3",
    "bcrypt>=4",
    "argon2-cffi>=23",
    "dj-database-url>=2",
    "lxml>=5",
]
SPEEDUPS = "shopfront-speedups"
SPEEDUPS_VERSION = "1.0.0"
# Fixed timestamps: the same generator run makes the same sdist bytes.
EPOCH = 1_700_000_000


def write(relative, text):
    path = os.path.join(project, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(textwrap.dedent(text).lstrip("\n"))


def speedups_sdist():
    """The sdist of the app's own C extension, built as setuptools would lay it out (PKG-INFO,
    pyproject.toml, setup.py, the sources), without running a Python build on the host."""
    top = f"shopfront_speedups-{SPEEDUPS_VERSION}"
    files = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {SPEEDUPS}\nVersion: {SPEEDUPS_VERSION}\n"
        "Summary: Order arithmetic for shopfront, in C\nRequires-Python: >=3.8\n",
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61", "wheel"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": textwrap.dedent(f"""
            from setuptools import Extension, setup

            setup(
                name="{SPEEDUPS}",
                version="{SPEEDUPS_VERSION}",
                package_dir={{"": "src"}},
                packages=["shopfront_speedups"],
                ext_modules=[Extension("shopfront_speedups._speedups", ["src/shopfront_speedups/_speedups.c"])],
                python_requires=">=3.8",
            )
            """).lstrip(),
        "src/shopfront_speedups/__init__.py": '"""Order arithmetic in C."""\n\n'
        "from ._speedups import luhn_valid, total_cents\n\n"
        '__all__ = ["luhn_valid", "total_cents"]\n',
        "src/shopfront_speedups/_speedups.c": textwrap.dedent("""
            #define PY_SSIZE_T_CLEAN
            #include <Python.h>

            /* total_cents(prices, quantities): the sum of price * quantity, in integer cents. */
            static PyObject *total_cents(PyObject *self, PyObject *args) {
                PyObject *prices, *quantities;
                if (!PyArg_ParseTuple(args, "OO", &prices, &quantities)) return NULL;
                Py_ssize_t n = PySequence_Size(prices);
                if (n < 0 || n != PySequence_Size(quantities)) {
                    PyErr_SetString(PyExc_ValueError, "prices and quantities differ in length");
                    return NULL;
                }
                long long total = 0;
                for (Py_ssize_t i = 0; i < n; i++) {
                    PyObject *p = PySequence_GetItem(prices, i), *q = PySequence_GetItem(quantities, i);
                    long long price = p ? PyLong_AsLongLong(p) : -1, quantity = q ? PyLong_AsLongLong(q) : -1;
                    Py_XDECREF(p);
                    Py_XDECREF(q);
                    if (PyErr_Occurred()) return NULL;
                    total += price * quantity;
                }
                return PyLong_FromLongLong(total);
            }

            /* luhn_valid(digits): whether a card or account number passes the Luhn check. */
            static PyObject *luhn_valid(PyObject *self, PyObject *args) {
                const char *digits;
                Py_ssize_t length;
                if (!PyArg_ParseTuple(args, "s#", &digits, &length)) return NULL;
                int sum = 0, doubled = 0;
                for (Py_ssize_t i = length - 1; i >= 0; i--) {
                    if (digits[i] < '0' || digits[i] > '9') Py_RETURN_FALSE;
                    int d = digits[i] - '0';
                    if (doubled && (d *= 2) > 9) d -= 9;
                    sum += d;
                    doubled = !doubled;
                }
                return PyBool_FromLong(length > 0 && sum % 10 == 0);
            }

            static PyMethodDef methods[] = {
                {"total_cents", total_cents, METH_VARARGS, "Sum of price * quantity in cents."},
                {"luhn_valid", luhn_valid, METH_VARARGS, "Luhn check of a digit string."},
                {NULL, NULL, 0, NULL},
            };

            static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

            PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
            """).lstrip(),
    }
    vendor = os.path.join(project, "vendor")
    os.makedirs(vendor, exist_ok=True)
    with tarfile.open(os.path.join(vendor, f"{top}.tar.gz"), "w:gz") as archive:
        for name in sorted(files):
            data = files[name].encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime, info.mode = len(data), EPOCH, 0o644
            archive.addfile(info, io.BytesIO(data))


def pyproject():
    deps = "\n".join(f'    "{d}",' for d in DEPENDENCIES + [f"{SPEEDUPS}>={SPEEDUPS_VERSION}"])
    template = textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=61", "wheel"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "shopfront"
        version = "1.4.0"
        description = "A small Django shop: catalogue, orders, accounts and reports."
        readme = "README.md"
        requires-python = ">=3.10"
        dependencies = [
            @DEPENDENCIES@
        ]

        [project.optional-dependencies]
        test = ["pytest>=7", "coverage>=7"]

        [tool.setuptools.packages.find]
        include = ["shopfront*"]

        [tool.setuptools.package-data]
        shopfront = ["templates/shopfront/*.html", "config/*.yaml"]
        """)
    write("pyproject.toml", template.replace("@DEPENDENCIES@", deps.strip()))


def package():
    write("README.md", """
        # shopfront

        A small Django shop, generated by wheelwright's benchmark (bench/generate-django-app.py).
        Its C speedups come from `vendor/` as an sdist.
        """)
    write(".gitignore", "wheelhouse/\ntarget/\n*.egg-info/\nbuild/\n__pycache__/\n")
    write("shopfront/__init__.py", '"""shopfront: a small Django shop."""\n\n__version__ = "1.4.0"\n')
    write("shopfront/__main__.py", '''
        """`python -m shopfront`: serve the shop with gunicorn."""

        import os
        import sys


        def main() -> None:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopfront.settings")
            from gunicorn.app.wsgiapp import run

            bind = os.environ.get("SHOPFRONT_BIND", "127.0.0.1:8000")
            sys.argv = ["gunicorn", "--bind", bind, "--workers", "2", "shopfront.wsgi:application"]
            run()


        if __name__ == "__main__":
            main()
        ''')
    write("shopfront/settings.py", '''
        """Django settings, from the environment (twelve-factor style)."""

        import os
        from pathlib import Path

        import dj_database_url

        BASE_DIR = Path(__file__).resolve().parent
        SECRET_KEY = os.environ.get("SHOPFRONT_SECRET_KEY", "insecure-benchmark-key")
        DEBUG = os.environ.get("SHOPFRONT_DEBUG", "") == "1"
        ALLOWED_HOSTS = os.environ.get("SHOPFRONT_HOSTS", "*").split(",")
        INSTALLED_APPS = [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "shopfront.catalogue",
            "shopfront.orders",
            "shopfront.accounts",
        ]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
        ROOT_URLCONF = "shopfront.urls"
        WSGI_APPLICATION = "shopfront.wsgi.application"
        DATABASES = {
            "default": dj_database_url.config(
                env="SHOPFRONT_DATABASE_URL", default="sqlite:///" + os.environ.get("SHOPFRONT_DB", ":memory:")
            )
        }
        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        # The payment provider's public key, for its signed webhooks (Ed25519, hex).
        PAYMENTS_VERIFY_KEY = os.environ.get("SHOPFRONT_PAYMENTS_KEY", "")
        TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        TIME_ZONE = "Europe/London"
        USE_TZ = True
        ''')
    write("shopfront/urls.py", '''
        from django.urls import path

        from shopfront.catalogue import views as catalogue
        from shopfront.orders import views as orders

        urlpatterns = [
            path("products/", catalogue.product_list, name="product-list"),
            path("products/<slug:slug>/", catalogue.product_detail, name="product-detail"),
            path("orders/<int:pk>/", orders.order_detail, name="order-detail"),
            path("orders/<int:pk>/invoice.xml", orders.invoice_xml, name="order-invoice"),
        ]
        ''')
    write("shopfront/wsgi.py", '''
        import os

        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopfront.settings")
        application = get_wsgi_application()
        ''')
    write("shopfront/config/shipping.yaml", """
        zones:
          domestic: {base_cents: 395, per_kg_cents: 120}
          europe: {base_cents: 995, per_kg_cents: 310}
          world: {base_cents: 1995, per_kg_cents: 640}
        """)
    write("shopfront/templates/shopfront/product_list.html", """
        <ul>{% for product in products %}<li><a href="{{ product.slug }}/">{{ product.name }}</a></li>{% endfor %}</ul>
        """)


def apps():
    write("shopfront/catalogue/__init__.py", "")
    write("shopfront/catalogue/models.py", '''
        from django.db import models


        class Category(models.Model):
            name = models.CharField(max_length=100)
            slug = models.SlugField(unique=True)


        class Product(models.Model):
            category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
            name = models.CharField(max_length=200)
            slug = models.SlugField(unique=True)
            price_cents = models.PositiveIntegerField()
            weight_grams = models.PositiveIntegerField(default=0)
            image = models.BinaryField(blank=True, default=b"")
        ''')
    write("shopfront/catalogue/views.py", '''
        from django.http import JsonResponse
        from django.shortcuts import get_object_or_404, render

        from shopfront.catalogue.models import Product


        def product_list(request):
            products = Product.objects.order_by("name")
            return render(request, "shopfront/product_list.html", {"products": products})


        def product_detail(request, slug):
            product = get_object_or_404(Product, slug=slug)
            return JsonResponse({"name": product.name, "price_cents": product.price_cents})
        ''')
    write("shopfront/catalogue/images.py", '''
        """Product thumbnails, made with Pillow."""

        import io

        from PIL import Image


        def thumbnail(data: bytes, size: int = 256) -> bytes:
            with Image.open(io.BytesIO(data)) as image:
                image.thumbnail((size, size))
                out = io.BytesIO()
                image.convert("RGB").save(out, format="JPEG", quality=85)
                return out.getvalue()
        ''')
    write("shopfront/orders/__init__.py", "")
    write("shopfront/orders/models.py", '''
        from django.conf import settings
        from django.db import models

        from shopfront.catalogue.models import Product


        class Order(models.Model):
            customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
            placed = models.DateTimeField(auto_now_add=True)
            zone = models.CharField(max_length=20, default="domestic")


        class Line(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
            product = models.ForeignKey(Product, on_delete=models.PROTECT)
            quantity = models.PositiveIntegerField()
            price_cents = models.PositiveIntegerField()
        ''')
    write("shopfront/orders/pricing.py", '''
        """Order totals and shipping: the arithmetic runs in shopfront_speedups (C)."""

        from importlib import resources

        import yaml
        from shopfront_speedups import total_cents


        def shipping_table() -> dict:
            text = resources.files("shopfront").joinpath("config/shipping.yaml").read_text()
            return yaml.safe_load(text)["zones"]


        def order_total(lines, zone: str, weight_grams: int) -> int:
            goods = total_cents([price for price, _ in lines], [quantity for _, quantity in lines])
            rate = shipping_table()[zone]
            return goods + rate["base_cents"] + rate["per_kg_cents"] * -(-weight_grams // 1000)
        ''')
    write("shopfront/orders/invoice.py", '''
        """Invoices as XML (lxml) and as a text mail (Jinja2)."""

        from datetime import datetime

        import pytz
        from dateutil.relativedelta import relativedelta
        from jinja2 import Environment
        from lxml import etree

        MAIL = Environment(autoescape=True).from_string(
            "Order {{ number }}: {{ '%.2f' % (total / 100) }} due {{ due.strftime('%d %b %Y') }}"
        )


        def due_date(placed: datetime) -> datetime:
            return (placed + relativedelta(months=1)).astimezone(pytz.timezone("Europe/London"))


        def invoice_xml(number: int, lines, total: int) -> bytes:
            root = etree.Element("invoice", number=str(number))
            for name, quantity, price in lines:
                etree.SubElement(root, "line", name=name, quantity=str(quantity), price=str(price))
            etree.SubElement(root, "total").text = str(total)
            return etree.tostring(root, xml_declaration=True, encoding="utf-8")


        def invoice_mail(number: int, total: int, placed: datetime) -> str:
            return MAIL.render(number=number, total=total, due=due_date(placed))
        ''')
    write("shopfront/orders/payments.py", '''
        """The payment provider's API (requests), its signed webhooks (PyNaCl), and our own signed
        callbacks (cryptography)."""

        import os

        import requests
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, hmac
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey
        from shopfront_speedups import luhn_valid

        PROVIDER = os.environ.get("SHOPFRONT_PAYMENTS_URL", "http://127.0.0.1:9000")


        def charge(card: str, cents: int, session: requests.Session | None = None) -> dict:
            if not luhn_valid(card):
                raise ValueError("card number fails the Luhn check")
            response = (session or requests.Session()).post(f"{PROVIDER}/charges", json={"amount": cents}, timeout=10)
            response.raise_for_status()
            return response.json()


        def webhook_is_genuine(verify_key_hex: str, body: bytes, signature: bytes) -> bool:
            try:
                VerifyKey(bytes.fromhex(verify_key_hex)).verify(body, signature)
            except (BadSignatureError, ValueError):
                return False
            return True


        def callback_is_ours(secret: bytes, body: bytes, signature: bytes) -> bool:
            mac = hmac.HMAC(secret, hashes.SHA256())
            mac.update(body)
            try:
                mac.verify(signature)
            except InvalidSignature:
                return False
            return True
        ''')
    write("shopfront/orders/views.py", '''
        from django.http import HttpResponse, JsonResponse
        from django.shortcuts import get_object_or_404

        from shopfront.orders.invoice import invoice_xml as render_invoice
        from shopfront.orders.models import Order
        from shopfront.orders.pricing import order_total


        def _lines(order):
            return [(line.price_cents, line.quantity) for line in order.lines.all()]


        def order_detail(request, pk):
            order = get_object_or_404(Order, pk=pk)
            weight = sum(line.product.weight_grams * line.quantity for line in order.lines.all())
            return JsonResponse({"id": order.pk, "total_cents": order_total(_lines(order), order.zone, weight)})


        def invoice_xml(request, pk):
            order = get_object_or_404(Order, pk=pk)
            lines = [(line.product.name, line.quantity, line.price_cents) for line in order.lines.all()]
            total = order_total(_lines(order), order.zone, 0)
            return HttpResponse(render_invoice(order.pk, lines, total), content_type="application/xml")
        ''')
    write("shopfront/accounts/__init__.py", "")
    write("shopfront/accounts/tokens.py", '''
        """Password-reset tokens: argon2 for stored secrets, bcrypt for legacy ones."""

        import secrets

        import bcrypt
        from argon2 import PasswordHasher

        HASHER = PasswordHasher()


        def new_token() -> tuple[str, str]:
            token = secrets.token_urlsafe(32)
            return token, HASHER.hash(token)


        def check_token(token: str, stored: str) -> bool:
            if stored.startswith("$2b$"):
                return bcrypt.checkpw(token.encode(), stored.encode())
            try:
                return HASHER.verify(stored, token)
            except Exception:
                return False
        ''')
    write("shopfront/accounts/database.py", '''
        """The production database is PostgreSQL (psycopg2); tests use SQLite."""

        import psycopg2.extensions


        def isolation_level() -> int:
            return psycopg2.extensions.ISOLATION_LEVEL_READ_COMMITTED
        ''')


def tests():
    write("tests/test_pricing.py", '''
        from shopfront.orders.pricing import order_total, shipping_table


        def test_total_adds_goods_and_shipping():
            rate = shipping_table()["domestic"]
            total = order_total([(250, 2), (100, 3)], "domestic", 1500)
            assert total == 800 + rate["base_cents"] + 2 * rate["per_kg_cents"]
        ''')
    write("tests/test_accounts.py", '''
        from shopfront.accounts.tokens import check_token, new_token


        def test_a_new_token_checks_against_its_hash():
            token, stored = new_token()
            assert check_token(token, stored)
            assert not check_token(token + "x", stored)
        ''')


speedups_sdist()
pyproject()
package()
apps()
tests()
