# Builds the web app: `npm ci` when web/node_modules is missing or older than package-lock.json,
# then `npm run build -- --outDir OUT_DIR`. Run by CMake as a script:
#   cmake -DWEB_DIR=... -DOUT_DIR=... -DNPM=... -DSTAMP=... -P npm_build.cmake
set(lock "${WEB_DIR}/package-lock.json")
set(installed "${WEB_DIR}/node_modules/.package-lock.json")
if(NOT EXISTS "${installed}" OR "${lock}" IS_NEWER_THAN "${installed}")
  message(STATUS "npm ci in ${WEB_DIR}")
  execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${WEB_DIR} (${rc})")
  endif()
endif()
execute_process(COMMAND "${NPM}" run build --silent -- --outDir "${OUT_DIR}" --emptyOutDir
                WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm run build failed in ${WEB_DIR} (${rc})")
endif()
file(TOUCH "${STAMP}")
