# tsaugment with the CPU build of PyTorch and JupyterLab, serving the examples.
#   docker compose up --build      (see README: set JUPYTER_TOKEN first)
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    MPLBACKEND=Agg

# CPU-only PyTorch first, so that installing tsaugment does not pull a CUDA build.
RUN pip install "torch>=2.1" --index-url https://download.pytorch.org/whl/cpu

WORKDIR /opt/tsaugment
COPY pyproject.toml setup.cfg README.md LICENSE ./
COPY tsaugment ./tsaugment
RUN pip install ".[rocket]" jupyterlab nbclient ipykernel

RUN useradd --create-home --uid 1000 tsaugment
COPY --chown=tsaugment:tsaugment examples /home/tsaugment/examples
USER tsaugment
WORKDIR /home/tsaugment/examples
EXPOSE 8888

# The token comes from the environment (JUPYTER_TOKEN); the image holds no default.
CMD ["sh", "-c", "test -n \"$JUPYTER_TOKEN\" || { echo 'set JUPYTER_TOKEN' >&2; exit 1; }; exec jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --ServerApp.root_dir=/home/tsaugment/examples"]
